// Node entry: `tsx worker/src/runtime/node.ts` serves the worker; startNodeWorker() is what the demo
// and tests call. Embedded defaults: a libSQL file and a media folder under EDGESTREAM_DATA_DIR.
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { createApp } from "../app.ts";
import type { AppDeps } from "../env.ts";
import type { NodeSettings } from "./node-settings.ts";
import { createServerDeps } from "./server-deps.ts";
import { stopOnSignals } from "./stop-on-signals.ts";

export interface RunningWorker {
  url: string;
  deps: AppDeps;
  settings: NodeSettings;
  close(): Promise<void>;
}

export async function startNodeWorker(env: Record<string, string | undefined> = process.env): Promise<RunningWorker> {
  const { deps, settings, close } = await createServerDeps(env);
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => resolve(s));
    s.once("error", (error) => {
      close();
      reject(error);
    });
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
      }).finally(close),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startNodeWorker().then(
    (worker) => {
      console.log(`EdgeStream worker listening on ${worker.url}`);
      stopOnSignals({ name: "edgestream worker", close: () => worker.close().then(() => "server closed, database closed") });
    },
    (error: Error) => {
      console.error(`edgestream worker: ${error.message}`);
      process.exit(1);
    },
  );
}
