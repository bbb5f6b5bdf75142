// Dependencies for a long-running server (Node or Deno): config from the environment, a libSQL
// database (file or URL) migrated at start, and storage in a folder or an S3-compatible bucket.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../config.ts";
import { openLibsqlDatabase } from "../db/libsql.ts";
import type { AppDeps } from "../env.ts";
import { createKeyring, parseSigningKeys } from "../signing/keyring.ts";
import { createFsStorage, removeInterruptedPuts } from "@edgestream/contracts/storage/fs";
import { createS3Storage } from "@edgestream/contracts/storage/s3";
import { UPLOADS_PREFIX } from "@edgestream/contracts";
import { parseNodeSettings, withDemoSecrets, type NodeSettings } from "./node-settings.ts";
import { nowSeconds } from "../clock.ts";
import { expireAbandonedUploads } from "../uploads/expire.ts";
import { createTusUploads } from "../uploads/tus-server.ts";

/** How often abandoned resumable uploads are looked for (at most; sooner when they expire sooner). */
const UPLOAD_EXPIRY_SWEEP_MS = 3600_000;

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

export interface ServerDeps {
  deps: AppDeps;
  settings: NodeSettings;
  close(): Promise<void>;
}

export async function createServerDeps(env: Record<string, string | undefined>): Promise<ServerDeps> {
  const settings = parseNodeSettings(env);
  const config = parseConfig(withDemoSecrets(env, settings.dataDir));
  mkdirSync(settings.dataDir, { recursive: true });
  const database = await openLibsqlDatabase(settings.databaseUrl, settings.databaseAuthToken);
  try {
    await database.migrate(MIGRATIONS);
  } catch (error) {
    await database.close();
    throw new Error(`could not migrate the database at ${settings.databaseUrl}: ${(error as Error).message}`);
  }
  let storage;
  if (settings.s3) {
    storage = createS3Storage(settings.s3);
  } else {
    mkdirSync(settings.storageDir, { recursive: true });
    storage = createFsStorage(settings.storageDir);
    // Uploads a killed worker was receiving: their rows were never written, their partial files go now.
    const removed = await removeInterruptedPuts(settings.storageDir, UPLOADS_PREFIX);
    if (removed.length > 0) console.warn(`removed ${removed.length} partial upload${removed.length === 1 ? "" : "s"} left by an interrupted worker`);
  }
  const { secrets, currentKid } = parseSigningKeys(config.SIGNING_KEYS);
  const deps: AppDeps = { config, keyring: await createKeyring(secrets, currentKid), db: database.db, storage, resumableUploads: createTusUploads };
  // Periodic work on a long-running server: expiry of abandoned resumable uploads.
  const sweep = setInterval(
    () => expireAbandonedUploads(deps, nowSeconds(deps)).catch((error: Error) => console.error(`expiring abandoned uploads: ${error.message}`)),
    Math.min(UPLOAD_EXPIRY_SWEEP_MS, (config.UPLOAD_EXPIRY_SECONDS * 1000) / 2),
  );
  return {
    deps,
    settings,
    close: () => {
      clearInterval(sweep);
      return database.close();
    },
  };
}
