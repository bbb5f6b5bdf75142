// tus over R2 multipart (the Workers path) through app.request(), on miniflare's real R2 binding
// and a real libSQL file: parts built across chunks, the protocol's refusals, termination, expiry.
import { Miniflare } from "miniflare";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createR2Storage, type R2BucketLike } from "@edgestream/contracts/storage/r2";
import { createApp } from "../app.ts";
import { createTestApp, type TestApp } from "../testing/test-app.ts";
import { R2_PART_SIZE, createR2TusUploads, type R2MultipartBucket } from "./tus-r2.ts";

const EXPIRY = 3600;
let mf: Miniflare;
let bucket: R2BucketLike & R2MultipartBucket;
let t: TestApp;
let app: ReturnType<typeof createApp>;
let clock: number;
let alice: string;
let bob: string;

beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: "export default { fetch: () => new Response(null) }", r2Buckets: ["MEDIA"], compatibilityDate: "2025-01-01" });
  bucket = (await mf.getR2Bucket("MEDIA")) as unknown as R2BucketLike & R2MultipartBucket;
});
afterAll(() => mf?.dispose());
beforeEach(async () => {
  clock = Math.floor(Date.now() / 1000);
  t = await createTestApp({ UPLOAD_EXPIRY_SECONDS: String(EXPIRY) }, () => clock);
  const storage = createR2Storage(bucket);
  app = createApp({ ...t.deps, storage, resumableUploads: (deps) => createR2TusUploads(deps, bucket) });
  alice = await t.tokenFor("alice");
  bob = await t.tokenFor("bob");
});
afterEach(async () => {
  for (const key of await createR2Storage(bucket).list("uploads")) await bucket.delete(key);
  await t.close();
});

const tus = (token: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, "Tus-Resumable": "1.0.0", ...extra });
const bytes = (length: number, seed: number): Uint8Array<ArrayBuffer> => new Uint8Array(length).map((_, i) => (i * 7 + seed + (i >> 10)) & 0xff);

async function create(length: number, token = alice): Promise<string> {
  const response = await app.request("/api/uploads/tus", {
    method: "POST",
    headers: tus(token, { "Upload-Length": String(length), "Upload-Metadata": `title ${btoa("Edge")},filetype ${btoa("video/mp4")}` }),
  });
  expect(response.status).toBe(201);
  expect(response.headers.get("Upload-Expires")).toBe(new Date((clock + EXPIRY) * 1000).toUTCString());
  return new URL(response.headers.get("Location")!).pathname;
}

const patch = (path: string, offset: number, body: Uint8Array<ArrayBuffer>, token = alice, type = "application/offset+octet-stream") =>
  app.request(path, { method: "PATCH", headers: tus(token, { "Upload-Offset": String(offset), "Content-Type": type }), body });
const offsetOf = async (path: string) => (await app.request(path, { method: "HEAD", headers: tus(alice) })).headers.get("Upload-Offset");

describe("tus over R2 multipart", () => {
  it("builds 5 MiB parts across chunks of other sizes, and the last byte makes a pending video of exactly the bytes sent", async () => {
    const chunks = [bytes(3 * 1024 * 1024, 1), bytes(3 * 1024 * 1024, 2), bytes(5 * 1024 * 1024, 3), bytes(1000, 4)];
    const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
    const path = await create(total);
    let offset = 0;
    for (const [i, chunk] of chunks.entries()) {
      const response = await patch(path, offset, chunk);
      expect(response.status).toBe(204);
      offset += chunk.byteLength;
      expect(response.headers.get("Upload-Offset")).toBe(String(offset));
      if (i < chunks.length - 1) expect(await offsetOf(path)).toBe(String(offset)); // parts plus what is pending
    }
    const id = path.split("/").at(-1)!;
    const video = await (await app.request(`/api/videos/${id}`, { headers: { Authorization: `Bearer ${alice}` } })).json();
    expect(video).toMatchObject({ id, title: "Edge", status: "pending" });
    const source = await bucket.get(`uploads/${id}/source`);
    expect(Buffer.from(new Uint8Array(await new Response(source!.body).arrayBuffer())).equals(Buffer.concat(chunks))).toBe(true);
    expect(await createR2Storage(bucket).list("uploads")).toEqual([`uploads/${id}/source`]);
  }, 60_000); // 11 MiB through workerd's R2 on a busy machine

  it("answers 409 at the wrong offset, 415 for a chunk of another type, 413 past the length, 404 to another viewer", async () => {
    const path = await create(R2_PART_SIZE + 10);
    expect((await patch(path, 0, bytes(100, 1))).status).toBe(204);
    const conflict = await patch(path, 50, bytes(10, 1));
    expect([conflict.status, ((await conflict.json()) as { error: { code: string } }).error.code]).toEqual([409, "offset_conflict"]);
    expect((await patch(path, 100, bytes(10, 1), alice, "application/octet-stream")).status).toBe(415);
    expect((await patch(path, 100, bytes(R2_PART_SIZE, 1))).status).toBe(413);
    expect((await patch(path, 100, bytes(10, 1), bob)).status).toBe(404);
    expect(await offsetOf(path)).toBe("100");
  });

  it("acts only on the upload the path names: another viewer's id in the query string reaches nothing of hers", async () => {
    const victimPath = await create(100);
    expect((await patch(victimPath, 0, bytes(40, 1))).status).toBe(204);
    const own = await create(100, bob);
    const attack = `${own}?x=/${victimPath.split("/").at(-1)}`;
    const head = await app.request(attack, { method: "HEAD", headers: tus(bob) });
    expect([head.status, head.headers.get("Upload-Offset")]).toEqual([200, "0"]);
    expect((await patch(attack, 40, bytes(10, 2), bob)).status).toBe(409);
    expect((await app.request(attack, { method: "DELETE", headers: tus(bob) })).status).toBe(204);
    expect((await app.request(own, { method: "HEAD", headers: tus(bob) })).status).toBe(404);
    expect(await offsetOf(victimPath)).toBe("40");
  });

  it("answers a metadata value that is not base64 with a 400 naming its key, and starts nothing", async () => {
    const response = await app.request("/api/uploads/tus", { method: "POST", headers: tus(alice, { "Upload-Length": "10", "Upload-Metadata": `filetype ${btoa("video/mp4")},title a` }) });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: { error: { code: "invalid_input", message: "Upload-Metadata title: the value is not base64" } } });
    expect(await createR2Storage(bucket).list("uploads")).toEqual([]);
  });

  it("answers 410 once the upload has expired, and DELETE ends it leaving nothing", async () => {
    const path = await create(100);
    expect((await patch(path, 0, bytes(40, 1))).status).toBe(204);
    clock += EXPIRY + 1;
    expect((await patch(path, 40, bytes(10, 1))).status).toBe(410);
    clock -= EXPIRY + 1;
    expect((await app.request(path, { method: "DELETE", headers: tus(alice) })).status).toBe(204);
    expect(await createR2Storage(bucket).list("uploads")).toEqual([]);
    expect((await app.request(path, { method: "HEAD", headers: tus(alice) })).status).toBe(404);
  });
});
