// The whole stack on one box: the worker (Node, embedded defaults, demo mode), a sample video, and
// the demo page on Vite's dev server, which proxies /api and /hls to the worker (same origin for the page).
import { fileURLToPath } from "node:url";
import { createServer, type ViteDevServer } from "vite";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { ensureSampleVideo } from "./sample-video.ts";

export interface StackOptions {
  dataDir?: string;
  workerPort?: number;
  demoPort?: number;
  host?: string;
  sampleSeconds?: number;
  /** Extra worker settings (e.g. STREAM_TOKEN_TTL_SECONDS); DEMO_MODE is always on here. */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface RunningStack {
  demoUrl: string;
  worker: RunningWorker;
  sampleVideoId: string;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const host = options.host ?? "127.0.0.1";
  const worker = await startNodeWorker({
    ...process.env,
    ...options.env,
    DEMO_MODE: "1",
    HOST: host,
    PORT: String(options.workerPort ?? 8787),
    ...(options.dataDir ? { EDGESTREAM_DATA_DIR: options.dataDir } : {}),
  });
  let vite: ViteDevServer | undefined;
  try {
    const sampleVideoId = await ensureSampleVideo(worker.deps.db, worker.settings, {
      ...(options.sampleSeconds ? { seconds: options.sampleSeconds } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    vite = await createServer({
      configFile: fileURLToPath(new URL("./vite.config.ts", import.meta.url)),
      logLevel: "warn",
      server: {
        host,
        port: options.demoPort ?? 5173,
        strictPort: options.demoPort !== 0,
        proxy: { "/api": worker.url, "/hls": worker.url, "/healthz": worker.url },
      },
    });
    await vite.listen();
    const address = vite.httpServer!.address() as import("node:net").AddressInfo;
    const server = vite;
    return {
      demoUrl: `http://${host}:${address.port}/`,
      worker,
      sampleVideoId,
      close: async () => {
        await server.close();
        await worker.close();
      },
    };
  } catch (error) {
    await vite?.close();
    await worker.close();
    throw error;
  }
}
