// An upload cut off halfway: the worker SIGKILLed mid-body and restarted, or the client gone. No
// video row may point at a source that is not there, and no partial file may stay in storage.
import { request } from "node:http";
import { readdir, rm, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { freePort } from "../../worker/src/testing/free-port.ts";
import { until } from "../helpers/processes.ts";
import { startChild, type Child } from "./child-process.ts";

const children: Child[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) await child.kill("SIGKILL");
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function startWorker(dataDir: string, port: number): Promise<{ child: Child; url: string }> {
  const env = { ...TEST_SECRETS, DEMO_MODE: "1", EDGESTREAM_DATA_DIR: dataDir, PORT: String(port) };
  const child = await startChild("worker/src/runtime/node.ts", env, /listening on/);
  children.push(child);
  return { child, url: `http://127.0.0.1:${port}` };
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"name":"uploader"}' });
  return ((await response.json()) as { token: string }).token;
}

/** Every file in the storage folder, relative to it. */
async function storedFiles(dataDir: string): Promise<string[]> {
  const root = join(dataDir, "storage");
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name))).sort();
}

/** Sends the headers for `total` bytes and only the first half of the body; resolves once the worker is writing it to storage. */
async function startHalfUpload(url: string, token: string, dataDir: string, total: number) {
  const upload = request(`${url}/api/videos?title=Half`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream", "Content-Length": String(total) },
  });
  const answered = new Promise<string>((resolve) => {
    upload.on("response", (response) => resolve(`HTTP ${response.statusCode}`));
    upload.on("error", (error) => resolve(error.message));
  });
  upload.write(Buffer.alloc(total / 2, 7));
  // State, not time: wait until the half body has reached a file in storage.
  for (;;) {
    const files = await storedFiles(dataDir);
    const sizes = await Promise.all(files.map((f) => stat(join(dataDir, "storage", f)).then((s) => s.size)));
    if (sizes.some((size) => size >= total / 2)) return { upload, answered };
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function videoRows(dataDir: string) {
  const db = createClient({ url: `file:${join(dataDir, "edgestream.db")}` });
  try {
    return (await db.execute("select id, status, source_key from videos")).rows.map((r) => ({ id: String(r.id), status: String(r.status), sourceKey: r.source_key as string | null }));
  } finally {
    db.close();
  }
}

describe("an upload cut off halfway", () => {
  it("after the worker is SIGKILLed mid-body and restarted: no pending row without its source, no partial file, earlier uploads kept", async () => {
    const dataDir = await tempDataDir("faults-upload");
    dirs.push(dataDir);
    const port = await freePort();
    let worker = await startWorker(dataDir, port);
    const token = await login(worker.url);
    const done = await fetch(`${worker.url}/api/videos?title=Whole`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream" },
      body: new Uint8Array(1000).fill(1),
    });
    expect(done.status).toBe(201);
    const whole = (await done.json()) as { id: string };

    const { upload, answered } = await startHalfUpload(worker.url, token, dataDir, 8 * 1024 * 1024);
    await worker.child.kill("SIGKILL");
    expect(await answered).not.toMatch(/^HTTP/); // the connection died with the worker
    upload.destroy();

    worker = await startWorker(dataDir, port);
    const rows = await videoRows(dataDir);
    expect(rows).toEqual([{ id: whole.id, status: "pending", sourceKey: `uploads/${whole.id}/source` }]);
    expect(await storedFiles(dataDir)).toEqual([`uploads/${whole.id}/source`]);
    const list = await fetch(`${worker.url}/api/videos`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await list.json()) as { videos: { id: string }[] }).videos.map((v) => v.id)).toEqual([whole.id]);
  });

  it("when the client goes away mid-body: the worker removes the partial file, creates no row and logs one short line, no unhandled error", async () => {
    const dataDir = await tempDataDir("faults-upload");
    dirs.push(dataDir);
    const worker = await startWorker(dataDir, await freePort());
    const token = await login(worker.url);
    const { upload } = await startHalfUpload(worker.url, token, dataDir, 8 * 1024 * 1024);
    upload.destroy();
    // State, not time: the test's timeout fails it if the partial file is never removed.
    while ((await storedFiles(dataDir)).length > 0) await new Promise((r) => setTimeout(r, 100));
    expect(await videoRows(dataDir)).toEqual([]);
    const health = await fetch(`${worker.url}/healthz`);
    expect(health.status).toBe(200);
    // A client going away is not a server error: whichever line the worker logs about it, it is this one.
    const [line] = await until(async () => /^.*(unhandled error|upload \S+ cancelled).*$/m.exec(worker.child.output()) ?? undefined, "the worker's line about the upload");
    expect(line).toMatch(/^upload \S+ cancelled by the client before its last byte; the partial source was removed$/);
    expect(worker.child.output()).not.toMatch(/unhandled|ECONNRESET|aborted/);
  });
});
