// A fleet on loopback: the worker (Node entry, in this process, demo mode) with NODE_REGISTRATION_SECRET,
// and transcode nodes as real child processes (own process group, so SIGKILL takes their ffmpeg too)
// that register with it and share its storage folder. Short heartbeats and leases, set by env.
import { join } from "node:path";
import type { FleetNode } from "@edgestream/contracts";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { TEST_REGISTRATION_SECRET } from "../../worker/src/testing/fleet-node.ts";
import { startChild, type Child } from "../faults/child-process.ts";
import { until } from "../helpers/processes.ts";
import { TEST_SECRETS } from "../helpers/stack.ts";
import { freePort } from "../helpers/entry-process.ts";

/** Every node's NODE_SECRET; the worker's TRANSCODE_NODE_SECRET for routed sessions. */
export const FLEET_NODE_SECRET = "n".repeat(40);

export interface FleetStack {
  worker: RunningWorker;
  token: string;
  nodes: Map<string, Child>;
  /** `extraEnv` on top of the defaults; `publicUrl` gives the node a fixed port and PUBLIC_URL (sessions). */
  startNode(name: string, options?: { extraEnv?: Record<string, string>; publicUrl?: boolean }): Promise<Child>;
  nodesView(): Promise<FleetNode[]>;
  upload(bytes: Uint8Array, title: string, visibility?: "private" | "public"): Promise<string>;
  stream(id: string): Promise<{ status: number; body: { status: string; progress?: number; manifestUrl?: string; error?: string } }>;
  close(): Promise<void>;
}

export async function startFleet(dataDir: string, workerEnv: Record<string, string> = {}): Promise<FleetStack> {
  const worker = await startNodeWorker({
    ...TEST_SECRETS,
    DEMO_MODE: "1",
    EDGESTREAM_DATA_DIR: dataDir,
    PORT: "0",
    NODE_REGISTRATION_SECRET: TEST_REGISTRATION_SECRET,
    NODE_HEARTBEAT_SECONDS: "1",
    JOB_LEASE_SECONDS: "4",
    ON_DEMAND_SESSIONS: "0",
    ...workerEnv,
  });
  const nodes = new Map<string, Child>();
  const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
  const { token } = (await login.json()) as { token: string };
  const auth = { Authorization: `Bearer ${token}` };
  return {
    worker,
    token,
    nodes,
    async startNode(name, options = {}) {
      const port = options.publicUrl ? await freePort() : 0;
      const env = {
        ...fleetNodeEnv(dataDir, worker.url, name),
        ...(options.publicUrl ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
        PORT: String(port),
        ...options.extraEnv,
      };
      const child = await startChild("transcode-node/src/server.ts", env, /registered with/);
      nodes.set(name, child);
      return child;
    },
    async nodesView() {
      const response = await fetch(`${worker.url}/api/admin/nodes`, { headers: auth });
      if (response.status !== 200) throw new Error(`GET /api/admin/nodes answered ${response.status}`);
      return ((await response.json()) as { nodes: FleetNode[] }).nodes;
    },
    async upload(bytes, title, visibility = "private") {
      const response = await fetch(`${worker.url}/api/videos?title=${encodeURIComponent(title)}&visibility=${visibility}`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "video/x-matroska" },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      if (response.status !== 201) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
    async stream(id) {
      const response = await fetch(`${worker.url}/api/videos/${id}/stream`, { headers: auth });
      return { status: response.status, body: (await response.json()) as { status: string; progress?: number; manifestUrl?: string } };
    },
    async close() {
      for (const child of nodes.values()) await child.kill("SIGKILL");
      nodes.clear();
      await worker.close();
    },
  };
}

/** A fleet node's settings: software encoding, a small ladder, storage shared with the worker, its own work folder. */
export function fleetNodeEnv(dataDir: string, workerUrl: string, name: string): Record<string, string> {
  return {
    NODE_SECRET: FLEET_NODE_SECRET, PORT: "0", STORAGE_DIR: join(dataDir, "storage"), WORK_DIR: join(dataDir, `work-${name}`),
    HWACCEL: "software", LADDER: "360,240", WORKER_URL: workerUrl, NODE_REGISTRATION_SECRET: TEST_REGISTRATION_SECRET,
    NODE_NAME: name, FLEET_CLAIM_INTERVAL_MS: "200",
  };
}

/** Waits for a state of the fleet as the operator's list shows it. */
export function fleetUntil<T>(stack: FleetStack, probe: (nodes: FleetNode[]) => T | undefined, what: string, timeoutMs = 240_000): Promise<T> {
  return until(async () => probe(await stack.nodesView()), what, timeoutMs, 100);
}
