// Node entry of the jobs service: `npx tsx transcode-node/src/server.ts`. startNodeServer(env) is
// what tests (and the worker's stack) call; it returns the URL and a close() that cancels running
// jobs, so no ffmpeg child outlives the node.
import { serve } from "@hono/node-server";
import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { StorageDriver } from "@edgestream/contracts";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import { createS3Storage } from "@edgestream/contracts/storage/s3";
import { s3OptionsFromEnv } from "@edgestream/contracts/storage/s3-env";
import { stopOnSignals } from "@edgestream/contracts/stop-on-signals";
import { HardwareRegistry } from "./hw-registry.ts";
import { FleetAgent } from "./fleet/fleet-agent.ts";
import { createNodeApp } from "./service/app.ts";
import { parseNodeConfig, type NodeConfig } from "./service/config.ts";
import { createMetrics } from "./service/metrics.ts";

/** What close() guarantees, for the line printed on stop. */
export const NODE_STOPPED = "server closed, jobs and sessions stopped (ffmpeg ended), their work folders and source copies removed";

export interface RunningNode {
  url: string;
  config: NodeConfig;
  hardware: HardwareRegistry;
  /** The fleet agent, when WORKER_URL is set (the node registers and pulls jobs). */
  fleet?: FleetAgent;
  close(): Promise<void>;
}

export interface NodeOverrides {
  /** Any StorageDriver (S3, R2…); default: the filesystem driver on STORAGE_DIR. */
  storage?: StorageDriver;
  /** Shared hardware registry (tests pass one with a fake GPU). */
  hardware?: HardwareRegistry;
}

export async function startNodeServer(env: Record<string, string | undefined> = process.env, overrides: NodeOverrides = {}): Promise<RunningNode> {
  const config = parseNodeConfig(env);
  await mkdir(config.WORK_DIR, { recursive: true });
  const s3 = s3OptionsFromEnv(config);
  const storage = overrides.storage ?? (s3 ? createS3Storage(s3) : createFsStorage(resolve(config.STORAGE_DIR)));
  const hardware =
    overrides.hardware ??
    new HardwareRegistry({
      vaapiDevice: config.VAAPI_DEVICE,
      cooldownMs: config.HW_COOLDOWN_SECONDS * 1000,
      sessionCaps: { nvenc: config.NVENC_SESSIONS, qsv: config.QSV_SESSIONS, vaapi: config.VAAPI_SESSIONS, videotoolbox: config.VIDEOTOOLBOX_SESSIONS },
    });
  void hardware.detectAll(); // detect at start-up so /healthz answers at once
  const { app, queue, sessions, sessionVideos } = createNodeApp({ config, storage, hardware, metrics: createMetrics() });
  const server = await new Promise<ReturnType<typeof serve>>((ok, fail) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => ok(s));
    s.once("error", fail);
  });
  const { port } = server.address() as AddressInfo;
  const fleet = config.WORKER_URL && config.NODE_REGISTRATION_SECRET
    ? new FleetAgent({ config: { ...config, WORKER_URL: config.WORKER_URL, NODE_REGISTRATION_SECRET: config.NODE_REGISTRATION_SECRET }, queue, sessions, sessionVideos, hardware, storage })
    : undefined;
  fleet?.start();
  return {
    url: `http://${config.HOST}:${port}`,
    config,
    hardware,
    ...(fleet ? { fleet } : {}),
    close: async () => {
      await fleet?.stop(); // says draining and hands running jobs back before they are cancelled below
      await sessions.closeAll(); // every session's ffmpeg ends (q, grace, SIGKILL) and its work dir goes
      await queue.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  startNodeServer().then(
    (node) => {
      process.stderr.write(`edgestream transcode node listening on ${node.url}\n`);
      stopOnSignals({ name: "edgestream transcode node", close: () => node.close().then(() => NODE_STOPPED) });
      // The operator's drain: finish running jobs, take no new ones (SIGTERM afterwards stops the node).
      if (node.fleet) process.on("SIGUSR2", () => node.fleet!.drain());
    },
    (error: Error) => {
      process.stderr.write(`edgestream transcode node: ${error.message}\n`);
      process.exit(1);
    },
  );
}
