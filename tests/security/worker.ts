// The real Node worker for the security suite: a temp data dir, a seeded package, demo sign-in.
import { rm } from "node:fs/promises";
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";

export interface SecurityWorker {
  worker: RunningWorker;
  dataDir: string;
  /** A viewer JWT from demo sign-in (demo mode only). */
  login(name: string): Promise<string>;
  /** A ready video made from a small seeded package, owned by the given viewer. */
  seedVideo(jwt: string, visibility?: "private" | "public"): Promise<string>;
  close(): Promise<void>;
}

export async function startSecurityWorker(label: string, env: Record<string, string> = {}): Promise<SecurityWorker> {
  const dataDir = await tempDataDir(`security-${label}`);
  const worker = await startNodeWorker({ ...TEST_SECRETS, DEMO_MODE: "1", ...env, EDGESTREAM_DATA_DIR: dataDir, PORT: "0" });
  const files = {
    "master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n",
    "v0/seg_00000.m4s": "segment",
    "meta.json": JSON.stringify(samplePackageMeta()),
  };
  for (const [path, body] of Object.entries(files)) await worker.deps.storage.put(`pkg1/${path}`, body);
  return {
    worker,
    dataDir,
    login: async (name) => {
      const response = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
      return ((await response.json()) as { token: string }).token;
    },
    seedVideo: async (jwt, visibility = "private") => {
      const created = await fetch(`${worker.url}/api/videos`, {
        method: "POST",
        headers: { Authorization: `Bearer ${jwt}`, "Content-Type": "application/json" },
        body: JSON.stringify({ title: "Seeded", storageKey: "pkg1", visibility }),
      });
      return ((await created.json()) as { id: string }).id;
    },
    close: async () => {
      await worker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
