// The real stack for cross-package tests: the worker (Node entry) and a transcode node sharing one
// storage folder under a test's data directory, demo mode on so tests can sign viewers in.
import { join } from "node:path";
import { startNodeServer, type RunningNode } from "../../transcode-node/src/server.ts";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { TEST_SECRETS } from "./stack.ts";

export const NODE_SECRET = "n".repeat(40);

export interface Pair {
  worker: RunningWorker;
  node: RunningNode;
  storageDir: string;
  workDir: string;
  close(): Promise<void>;
}

export interface PairOptions {
  policy: "on-upload" | "on-first-view";
  sessions?: boolean;
  /** Extra node settings (LADDER, SESSION_PROFILE, …). */
  nodeEnv?: Record<string, string>;
}

export async function startPair(dataDir: string, options: PairOptions): Promise<Pair> {
  const storageDir = join(dataDir, "storage");
  const workDir = join(dataDir, "work");
  const node = await startNodeServer({ NODE_SECRET, PORT: "0", STORAGE_DIR: storageDir, WORK_DIR: workDir, HWACCEL: "software", ...options.nodeEnv });
  let worker: RunningWorker;
  try {
    worker = await startNodeWorker({
      ...TEST_SECRETS,
      DEMO_MODE: "1",
      EDGESTREAM_DATA_DIR: dataDir,
      PORT: "0",
      TRANSCODE_NODE_URL: node.url,
      TRANSCODE_NODE_SECRET: NODE_SECRET,
      PACKAGE_POLICY: options.policy,
      ON_DEMAND_SESSIONS: options.sessions ? "1" : "0",
    });
  } catch (error) {
    await node.close();
    throw error;
  }
  return {
    worker,
    node,
    storageDir,
    workDir,
    close: async () => {
      await worker.close();
      await node.close();
    },
  };
}

/** A demo-mode viewer JWT for `name`. */
export async function viewerToken(worker: RunningWorker, name: string): Promise<string> {
  const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
  return ((await login.json()) as { token: string }).token;
}

/** Polls /stream as the player does until it is not 202: the video's settled answer. */
export async function settleStream(worker: RunningWorker, token: string, id: string): Promise<{ status: number; body: Record<string, unknown> }> {
  for (;;) {
    const response = await fetch(`${worker.url}/api/videos/${id}/stream`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 202) return { status: response.status, body };
    await new Promise((r) => setTimeout(r, 250));
  }
}
