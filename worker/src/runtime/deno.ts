// Deno entry (`deno task worker`, or Deno Deploy): the same app and dependencies as on Node,
// served by Deno.serve. Deno Deploy has no writable disk: there, point DATABASE_URL at libSQL over
// HTTP (Turso) and S3_ENDPOINT at a bucket.
import { createApp } from "../app.ts";
import { createServerDeps } from "./server-deps.ts";
import { stopOnSignals } from "@edgestream/contracts/stop-on-signals";

declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { hostname: string; port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
  exit(code: number): never;
};

try {
  const { deps, settings, close } = await createServerDeps(Deno.env.toObject());
  const app = createApp(deps);
  const server = Deno.serve(
    { port: settings.port, hostname: settings.host, onListen: ({ hostname, port }) => console.log(`EdgeStream worker listening on http://${hostname}:${port}`) },
    app.fetch,
  );
  stopOnSignals({ name: "edgestream worker", close: () => server.shutdown().then(close).then(() => "server closed, database closed") });
} catch (error) {
  console.error(`edgestream worker: ${(error as Error).message}`);
  Deno.exit(1);
}
