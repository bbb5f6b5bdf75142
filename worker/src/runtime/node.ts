// Node entry: `tsx worker/src/runtime/node.ts` serves the worker; startNodeWorker() is what the demo
// and tests call. Embedded defaults: a libSQL file and a media folder under EDGESTREAM_DATA_DIR.
import { getRequestListener, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { createApp } from "../app.ts";
import { fleetMetrics, METRICS_CONTENT_TYPE } from "../fleet/fleet-metrics.ts";
import type { AppDeps } from "../env.ts";
import { answerClientErrors, requestErrorAnswer } from "./node-refusals.ts";
import type { NodeSettings } from "./node-settings.ts";
import { createServerDeps } from "./server-deps.ts";
import { stopOnSignals } from "@edgestream/contracts/stop-on-signals";

export interface RunningWorker {
  url: string;
  /** The HTTP server, for tests that count what it read from a connection. */
  server: Server;
  deps: AppDeps;
  settings: NodeSettings;
  close(): Promise<void>;
}

export async function startNodeWorker(env: Record<string, string | undefined> = process.env): Promise<RunningWorker> {
  const { deps, settings, close } = await createServerDeps(env);
  const app = createApp(deps);
  // Node only (a long-running server is what Prometheus scrapes): the fleet's jobs and nodes.
  const fetch = async (request: Request, env: NodeBindings) =>
    request.method === "GET" && new URL(request.url).pathname === "/metrics"
      ? new Response(await fleetMetrics(deps), { headers: { "Content-Type": METRICS_CONTENT_TYPE, "Cache-Control": "no-store" } })
      : app.fetch(request, env);
  const cors = deps.config.CORS_ORIGINS;
  // serve() without its sugar: node-server's errorHandler (requests it cannot build) is only an
  // option of getRequestListener.
  const server = createServer(getRequestListener(closeAfterRefusedBody(fetch), { hostname: settings.host, errorHandler: requestErrorAnswer(cors) }));
  answerClientErrors(server, cors);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => {
      close();
      reject(error);
    });
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${settings.host}:${port}`,
    server,
    deps,
    settings,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).finally(close),
  };
}

type NodeBindings = HttpBindings | Http2Bindings;

/**
 * An error answered before the request's body has all arrived (a 413, or a 401 to an upload) means
 * the rest will not be read: say the connection closes, so Node ends it after the answer instead
 * of reading and discarding what the client still sends (node-server drains up to 64 MB) to reuse it.
 */
function closeAfterRefusedBody(fetch: (request: Request, env: NodeBindings) => Response | Promise<Response>) {
  return async (request: Request, env: NodeBindings) => {
    const response = await fetch(request, env);
    if (response.status >= 400 && !env.incoming.complete) response.headers.set("Connection", "close");
    return response;
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
