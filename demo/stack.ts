// The whole stack on one box: a transcode node, the worker (Node, embedded defaults, demo mode)
// sharing its storage folder, a sample video, and the demo page on Vite's dev server, which proxies
// /api and /hls to the worker (same origin for the page).
import { fileURLToPath } from "node:url";
import { createServer, type ViteDevServer } from "vite";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { startNodeServer } from "../transcode-node/src/server.ts";
import { ensureSampleVideo, patternSample } from "./sample-video.ts";

export interface StackOptions {
  dataDir?: string;
  workerPort?: number;
  demoPort?: number;
  host?: string;
  /** A plain 360p test pattern this long instead of the showcase sample (720p with motion, three rungs). */
  sampleSeconds?: number;
  /** Extra worker settings (e.g. STREAM_TOKEN_TTL_SECONDS); DEMO_MODE is always on here. */
  env?: Record<string, string>;
  /** Extra transcode node settings (e.g. SESSION_PROFILE). */
  nodeEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface RunningStack {
  demoUrl: string;
  worker: RunningWorker;
  nodeUrl: string;
  sampleVideoId: string;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const host = options.host ?? "127.0.0.1";
  const dataDir = resolve(options.dataDir ?? process.env["EDGESTREAM_DATA_DIR"] ?? ".edgestream");
  const nodeSecret = randomBytes(24).toString("hex");
  // Uploads from the demo page are packaged by this node; port 0: the worker is told where it is.
  const node = await startNodeServer({
    NODE_SECRET: nodeSecret,
    PORT: "0",
    HOST: host,
    STORAGE_DIR: join(dataDir, "storage"),
    WORK_DIR: join(dataDir, "work"),
    HWACCEL: process.env["HWACCEL"] ?? "auto",
    ...options.nodeEnv,
  });
  let worker: RunningWorker;
  try {
    worker = await startNodeWorker({
      ...process.env,
      ...options.env,
      DEMO_MODE: "1",
      HOST: host,
      PORT: String(options.workerPort ?? 8787),
      EDGESTREAM_DATA_DIR: dataDir,
      TRANSCODE_NODE_URL: node.url,
      TRANSCODE_NODE_SECRET: nodeSecret,
    });
  } catch (error) {
    await node.close();
    throw error;
  }
  let vite: ViteDevServer | undefined;
  try {
    const sampleVideoId = await ensureSampleVideo(worker.deps.db, worker.settings, {
      ...(options.sampleSeconds ? { spec: patternSample(options.sampleSeconds) } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    // Vite's dev server exits the process on SIGTERM (and on stdin's end) by itself, racing the
    // stack's one shutdown path (stopOnSignals in scripts/start.ts): take those listeners back.
    const before = { sigterm: process.listeners("SIGTERM"), stdinEnd: process.stdin.listeners("end") };
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
    for (const listener of process.listeners("SIGTERM")) if (!before.sigterm.includes(listener)) process.off("SIGTERM", listener);
    for (const listener of process.stdin.listeners("end")) if (!before.stdinEnd.includes(listener)) process.stdin.off("end", listener as () => void);
    await vite.listen();
    const address = vite.httpServer!.address() as import("node:net").AddressInfo;
    const server = vite;
    return {
      demoUrl: `http://${host}:${address.port}/`,
      worker,
      nodeUrl: node.url,
      sampleVideoId,
      close: async () => {
        await server.close();
        await worker.close();
        await node.close();
      },
    };
  } catch (error) {
    await vite?.close();
    await worker.close();
    await node.close();
    throw error;
  }
}
