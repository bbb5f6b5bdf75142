// Node entry: libSQL file + local filesystem storage, migrations applied at start.
// `tsx worker/src/runtime/node.ts` serves it; startNodeWorker() is what the demo and tests call.
import { serve } from "@hono/node-server";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createApp } from "../app.ts";
import { parseConfig } from "../config.ts";
import { openLibsqlDatabase } from "../db/libsql.ts";
import type { AppDeps } from "../env.ts";
import { createKeyring, parseSigningKeys } from "../signing/keyring.ts";
import { createFsStorage } from "../storage/fs.ts";
import { parseNodeSettings, withDemoSecrets, type NodeSettings } from "./node-settings.ts";

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

export interface RunningWorker {
  url: string;
  deps: AppDeps;
  settings: NodeSettings;
  close(): Promise<void>;
}

export async function startNodeWorker(env: Record<string, string | undefined> = process.env): Promise<RunningWorker> {
  const settings = parseNodeSettings(env);
  const config = parseConfig(withDemoSecrets(env, settings.dataDir));
  mkdirSync(settings.dataDir, { recursive: true });
  mkdirSync(settings.storageDir, { recursive: true });
  const database = await openLibsqlDatabase(settings.databaseUrl, settings.databaseAuthToken);
  await database.migrate(MIGRATIONS);
  const { db } = database;
  const { secrets, currentKid } = parseSigningKeys(config.SIGNING_KEYS);
  const deps: AppDeps = { config, keyring: await createKeyring(secrets, currentKid), db, storage: createFsStorage(settings.storageDir) };
  const app = createApp(deps);

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => resolve(s));
    s.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${settings.host}:${port}`,
    deps,
    settings,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }).finally(() => database.close()),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startNodeWorker().then(
    (worker) => console.log(`EdgeStream worker listening on ${worker.url}`),
    (error: Error) => {
      console.error(`edgestream worker: ${error.message}`);
      process.exit(1);
    },
  );
}
