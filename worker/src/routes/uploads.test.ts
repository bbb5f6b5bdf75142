// Resumable (tus) uploads through app.request(), on a real libSQL file and storage folder: the
// protocol steps, the same refusals as POST /api/videos, ownership, termination and expiry.
import { mkdir, readdir } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getRequestListener } from "@hono/node-server";
import { createS3Storage } from "@edgestream/contracts/storage/s3";
import { startS3rverBucket, type S3rverBucket } from "@edgestream/contracts/testing/s3rver-bucket";
import { createApp } from "../app.ts";
import { createTestApp, type TestApp } from "../testing/test-app.ts";
import { expireAbandonedUploads } from "../uploads/expire.ts";
import { createTusUploads } from "../uploads/tus-server.ts";

const MAX = 1000;
const EXPIRY = 3600;
let t: TestApp;
let app: ReturnType<typeof createApp>;
let clock: number;
let alice: string;
let bob: string;
beforeEach(async () => {
  clock = Math.floor(Date.now() / 1000);
  t = await createTestApp({ MAX_UPLOAD_BYTES: String(MAX), UPLOAD_EXPIRY_SECONDS: String(EXPIRY) }, () => clock);
  app = createApp({ ...t.deps, resumableUploads: createTusUploads });
  alice = await t.tokenFor("alice");
  bob = await t.tokenFor("bob");
});
afterEach(() => t.close());

const b64 = (value: string) => Buffer.from(value).toString("base64");
const tus = (token: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, "Tus-Resumable": "1.0.0", ...extra });

async function create(token: string, length: number, metadata: Record<string, string> = { filetype: "video/mp4", title: "Trip" }): Promise<Response> {
  const encoded = Object.entries(metadata).map(([k, v]) => `${k} ${b64(v)}`).join(",");
  return app.request("/api/uploads/tus", { method: "POST", headers: tus(token, { "Upload-Length": String(length), "Upload-Metadata": encoded }) });
}

async function createdPath(token: string, length: number): Promise<string> {
  const response = await create(token, length);
  expect(response.status).toBe(201);
  return new URL(response.headers.get("Location")!).pathname;
}

async function patch(path: string, token: string, offset: number, body: string): Promise<Response> {
  return app.request(path, { method: "PATCH", headers: tus(token, { "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" }), body });
}

async function stored(): Promise<string[]> {
  const root = join(t.dir, "media");
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort();
}

async function errorOf(response: Response) {
  return { status: response.status, body: await response.json() };
}

describe("tus uploads at /api/uploads/tus", () => {
  it("creates an upload, takes chunks at the offset HEAD reports, and on the last byte makes a pending video of it", async () => {
    const created = await create(alice, 600);
    expect(created.status).toBe(201);
    expect(created.headers.get("Upload-Expires")).toBe(new Date((clock + EXPIRY) * 1000).toUTCString());
    const path = new URL(created.headers.get("Location")!).pathname;
    const id = path.split("/").at(-1)!;

    const first = await patch(path, alice, 0, "a".repeat(250));
    expect(first.status).toBe(204);
    expect(first.headers.get("Upload-Offset")).toBe("250");
    const head = await app.request(path, { method: "HEAD", headers: tus(alice) });
    expect(head.status).toBe(200);
    expect([head.headers.get("Upload-Offset"), head.headers.get("Upload-Length")]).toEqual(["250", "600"]);
    expect(head.headers.get("Upload-Metadata")).not.toContain(b64("alice")); // the owner stays the server's

    const last = await patch(path, alice, 250, "b".repeat(350));
    expect(last.status).toBe(204);
    expect(last.headers.get("Upload-Offset")).toBe("600");
    const video = await (await app.request(`/api/videos/${id}`, { headers: { Authorization: `Bearer ${alice}` } })).json();
    expect(video).toMatchObject({ id, title: "Trip", status: "pending", visibility: "private" });
    expect(await stored()).toEqual([`uploads/${id}/source`]);
    const source = await t.deps.storage.get(`uploads/${id}/source`);
    expect(await new Response(source!.body).text()).toBe("a".repeat(250) + "b".repeat(350));
  });

  it("refuses an Upload-Length over MAX_UPLOAD_BYTES with the same 413 as POST /api/videos, and stores nothing", async () => {
    const plain = await app.request("/api/videos", { method: "POST", headers: { Authorization: `Bearer ${alice}`, "Content-Type": "video/mp4" }, body: "x".repeat(MAX + 1) });
    const expected = await errorOf(plain);
    expect(expected.status).toBe(413);
    expect(await errorOf(await create(alice, MAX + 1))).toEqual(expected);
    expect(await stored()).toEqual([]);
  });

  it("refuses a filetype that is not media with the same 415 code as POST /api/videos", async () => {
    const plain = await errorOf(await app.request("/api/videos", { method: "POST", headers: { Authorization: `Bearer ${alice}`, "Content-Type": "text/html" }, body: "<p>" }));
    const refused = await errorOf(await create(alice, 10, { filetype: "text/html" }));
    expect(refused).toEqual({ status: 415, body: { error: { code: plain.body.error.code, message: "Upload-Metadata filetype: send the file as video/*, audio/* or application/octet-stream" } } });
    expect(await stored()).toEqual([]);
  });

  it("refuses an empty upload, a deferred length and a bad visibility with a 4xx naming the problem", async () => {
    expect(await errorOf(await create(alice, 0))).toEqual({ status: 400, body: { error: { code: "invalid_input", message: "Upload-Length: the upload is empty" } } });
    const deferred = await app.request("/api/uploads/tus", { method: "POST", headers: tus(alice, { "Upload-Defer-Length": "1" }) });
    expect(await errorOf(deferred)).toEqual({ status: 400, body: { error: { code: "invalid_input", message: "Upload-Length: required (a deferred length is not supported): send the file's size" } } });
    const visibility = await errorOf(await create(alice, 10, { visibility: "everyone" }));
    expect(visibility.status).toBe(400);
    expect(visibility.body.error.message).toMatch(/^Upload-Metadata visibility: /);
    expect(await stored()).toEqual([]);
  });

  it("answers 404 to another viewer for HEAD, PATCH and DELETE, and 409 for a chunk at the wrong offset", async () => {
    const path = await createdPath(alice, 100);
    const notFound = { error: { code: "not_found", message: "no such upload: it finished, expired, was ended, or is not yours" } };
    expect((await app.request(path, { method: "HEAD", headers: tus(bob) })).status).toBe(404);
    expect(await errorOf(await patch(path, bob, 0, "x"))).toEqual({ status: 404, body: notFound });
    expect(await errorOf(await app.request(path, { method: "DELETE", headers: tus(bob) }))).toEqual({ status: 404, body: notFound });
    const conflict = await errorOf(await patch(path, alice, 5, "x"));
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("offset_conflict");
    expect((await app.request(path, { method: "HEAD", headers: tus(alice) })).headers.get("Upload-Offset")).toBe("0");
  });

  it("over real HTTP, acts only on the upload the path names: another viewer's id in the query string reaches nothing of hers", async () => {
    const server = createServer(getRequestListener(app.fetch));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const victimPath = await createdPath(alice, 10);
      const victim = victimPath.split("/").at(-1)!;
      expect((await patch(victimPath, alice, 0, "alice")).status).toBe(204);
      const own = await createdPath(bob, 10);
      const attack = `${origin}${own}?x=/${victim}`;

      const head = await fetch(attack, { method: "HEAD", headers: tus(bob) });
      expect([head.status, head.headers.get("Upload-Offset"), head.headers.get("Upload-Metadata")]).toEqual([200, "0", `filetype ${b64("video/mp4")},title ${b64("Trip")}`]);
      const write = await fetch(attack, { method: "PATCH", headers: tus(bob, { "Upload-Offset": "5", "Content-Type": "application/offset+octet-stream" }), body: "bobby" });
      expect(write.status).toBe(409); // Bob's own upload is at 0, not Alice's 5
      const end = await fetch(attack, { method: "DELETE", headers: tus(bob) });
      expect(end.status).toBe(204); // Bob ended his own upload

      const left = await app.request(victimPath, { method: "HEAD", headers: tus(alice) });
      expect([left.status, left.headers.get("Upload-Offset")]).toEqual([200, "5"]);
      expect((await app.request(own, { method: "HEAD", headers: tus(bob) })).status).toBe(404);
      expect((await patch(victimPath, alice, 5, "/done")).status).toBe(204);
      const source = await t.deps.storage.get(`uploads/${victim}/source`);
      expect(await new Response(source!.body).text()).toBe("alice/done");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("refuses a chunk past the declared length with 413 and keeps the offset", async () => {
    const path = await createdPath(alice, 10);
    const refused = await errorOf(await patch(path, alice, 0, "x".repeat(11)));
    expect(refused.status).toBe(413);
    expect((await app.request(path, { method: "HEAD", headers: tus(alice) })).headers.get("Upload-Offset")).toBe("0");
  });

  it("answers a storage failure with our 500, never the file system's message with its paths", async () => {
    const path = await createdPath(alice, 100);
    const id = path.split("/").at(-1)!;
    // A folder where the first part must go: the rename onto it fails with EISDIR, naming both paths.
    await mkdir(join(t.dir, "media", "uploads", id, "tus", "part-000000000000000"), { recursive: true });
    const failed = await patch(path, alice, 0, "x".repeat(10));
    const text = await failed.text();
    expect(failed.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: "something went wrong on our side; try again" } });
    expect(text).not.toContain(t.dir);
  });

  it("ends an upload on DELETE (termination) and keeps nothing of it", async () => {
    const path = await createdPath(alice, 100);
    await patch(path, alice, 0, "x".repeat(40));
    expect((await app.request(path, { method: "DELETE", headers: tus(alice) })).status).toBe(204);
    expect(await stored()).toEqual([]);
    expect((await app.request(path, { method: "HEAD", headers: tus(alice) })).status).toBe(404);
  });

  it("expires an abandoned upload UPLOAD_EXPIRY_SECONDS after its creation, and leaves finished ones alone", async () => {
    const finished = await createdPath(alice, 5);
    await patch(finished, alice, 0, "done!");
    const abandoned = await createdPath(alice, 100);
    await patch(abandoned, alice, 0, "x".repeat(30));
    const finishedId = finished.split("/").at(-1)!;

    expect(await expireAbandonedUploads(t.deps, clock + EXPIRY - 1)).toBe(0);
    expect((await app.request(abandoned, { method: "HEAD", headers: tus(alice) })).headers.get("Upload-Offset")).toBe("30");

    expect(await expireAbandonedUploads(t.deps, clock + EXPIRY + 1)).toBe(1);
    expect(await stored()).toEqual([`uploads/${finishedId}/source`]);
    expect((await app.request(abandoned, { method: "HEAD", headers: tus(alice) })).status).toBe(404);
    expect((await app.request(`/api/videos/${finishedId}`, { headers: { Authorization: `Bearer ${alice}` } })).status).toBe(200);
  });

  it("never removes the source of an upload that finished after the sweep listed it", async () => {
    const path = await createdPath(alice, 5);
    const id = path.split("/").at(-1)!;
    const listedBefore = await t.deps.storage.list("uploads");
    expect(listedBefore).toContain(`uploads/${id}/tus/info.json`);
    expect((await patch(path, alice, 0, "done!")).status).toBe(204); // finishes: the row, then the tus state goes
    // The sweep works from the listing it took before the finish.
    const storage = { ...t.deps.storage, list: async (prefix: string) => (prefix === "uploads" ? listedBefore : t.deps.storage.list(prefix)) };
    await expireAbandonedUploads({ ...t.deps, storage }, clock + EXPIRY + 1);
    expect(await stored()).toEqual([`uploads/${id}/source`]);
  });

  it("answers 501 where the runtime has no resumable uploads, and 401 without a viewer", async () => {
    expect(await errorOf(await t.app.request("/api/uploads/tus", { method: "POST", headers: tus(alice, { "Upload-Length": "10" }) }))).toEqual({
      status: 501,
      body: { error: { code: "not_supported", message: "resumable uploads are not available on this runtime: send the file to POST /api/videos" } },
    });
    expect((await app.request("/api/uploads/tus", { method: "POST", headers: { "Tus-Resumable": "1.0.0", "Upload-Length": "10" } })).status).toBe(401);
  });
});

describe("tus uploads on S3 storage (the same store over another driver)", () => {
  let s3: S3rverBucket;
  beforeAll(async () => {
    s3 = await startS3rverBucket("tus-s3");
  });
  afterAll(() => s3?.close());

  it("keeps chunks as objects in the bucket, joins them into the source, and expiry removes an abandoned one", async () => {
    const storage = createS3Storage(s3.options);
    app = createApp({ ...t.deps, storage, resumableUploads: createTusUploads });
    const path = await createdPath(alice, 700);
    for (const [offset, text] of [[0, "a".repeat(300)], [300, "b".repeat(400)]] as const) expect((await patch(path, alice, offset, text)).status).toBe(204);
    const id = path.split("/").at(-1)!;
    const source = await storage.get(`uploads/${id}/source`);
    expect(await new Response(source!.body).text()).toBe("a".repeat(300) + "b".repeat(400));

    const abandoned = await createdPath(alice, 100);
    await patch(abandoned, alice, 0, "x".repeat(10));
    expect(await expireAbandonedUploads({ ...t.deps, storage }, clock + EXPIRY + 1)).toBe(1);
    expect(await storage.list("uploads")).toEqual([`uploads/${id}/source`]);
  });
});
