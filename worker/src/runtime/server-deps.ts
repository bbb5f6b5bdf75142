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
import { withSegmentCache } from "../segment-cache/caching-storage.ts";
import { createMemorySegmentStore } from "../segment-cache/memory-store.ts";
import { createBackground } from "../background.ts";
import { runPeriodicWork } from "../periodic/periodic-work.ts";
import { startPeriodicTimer } from "../periodic/periodic-timer.ts";
import { createTusUploads } from "../uploads/tus-server.ts";

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
    // Hot segments in memory, shared by every viewer. Not in front of a folder: the OS page cache
    // already keeps its hot files, and a second copy on the JS heap would only cost memory.
    const s3 = createS3Storage(settings.s3);
    storage = settings.segmentCacheBytes > 0 ? withSegmentCache(s3, createMemorySegmentStore(settings.segmentCacheBytes)) : s3;
  } else {
    mkdirSync(settings.storageDir, { recursive: true });
    storage = createFsStorage(settings.storageDir);
    // Uploads a killed worker was receiving: their rows were never written, their partial files go now.
    const removed = await removeInterruptedPuts(settings.storageDir, UPLOADS_PREFIX);
    if (removed.length > 0) console.warn(`removed ${removed.length} partial upload${removed.length === 1 ? "" : "s"} left by an interrupted worker`);
  }
  const { secrets, currentKid } = parseSigningKeys(config.SIGNING_KEYS);
  const background = createBackground();
  const deps: AppDeps = { config, keyring: await createKeyring(secrets, currentKid), db: database.db, storage, background, resumableUploads: createTusUploads };
  const periodic = startPeriodicTimer(() => runPeriodicWork(deps), config.PERIODIC_INTERVAL_SECONDS * 1000);
  return {
    deps,
    settings,
    // The run in progress and first webhook attempts finish before the database closes.
    close: async () => {
      await periodic.stop();
      await background.settled();
      await database.close();
    },
  };
}
