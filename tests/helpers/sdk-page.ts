// A bare test page for the player SDK (tests/e2e/pages), served by Vite from the SDK's source with
// /api and /hls proxied to a running worker, so the page and the API share an origin as in the demo.
import { fileURLToPath } from "node:url";
import { createServer, type ViteDevServer } from "vite";
import { sourceAliases } from "../../player-sdk/scripts/entries.ts";

export interface SdkPageServer {
  url: string;
  close(): Promise<void>;
}

export async function startSdkPages(workerUrl: string): Promise<SdkPageServer> {
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: fileURLToPath(new URL("../e2e/pages/", import.meta.url)),
    logLevel: "warn",
    resolve: { alias: sourceAliases() },
    // Pre-bundled up front: a dependency discovered mid-test would make Vite reload the page.
    optimizeDeps: { include: ["hls.js", "shaka-player"], exclude: ["@ffmpeg/ffmpeg", "@ffmpeg/util"] },
    server: { host: "127.0.0.1", port: 0, proxy: { "/api": workerUrl, "/hls": workerUrl } },
    clearScreen: false,
  });
  await server.listen();
  const address = server.httpServer!.address() as import("node:net").AddressInfo;
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}
