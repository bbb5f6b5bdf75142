// The progressive MP4 of a real package (ffmpeg, the transcode CLI) through the worker: mp4Url from
// /stream, HTTP ranges through the segment-cached storage, the owner's allowDownload and the download
// link's attachment name. Real libSQL file, real files on disk, app.request().
import { META_FILE, PROGRESSIVE_MP4 } from "@edgestream/contracts";
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageTestClip, type PackagedClip } from "../../../tests/helpers/packaged-clip.ts";
import { createApp } from "../app.ts";
import { insertVideo } from "../db/videos.ts";
import { withSegmentCache } from "../segment-cache/caching-storage.ts";
import { createMemorySegmentStore } from "../segment-cache/memory-store.ts";
import { bearer, createTestApp, jsonBody, type TestApp } from "../testing/test-app.ts";

const OLD_PREFIX = "d".repeat(64);
let t: TestApp;
let app: ReturnType<typeof createApp>;
let clip: PackagedClip;
let mp4: Buffer;
let alice: string;
let bob: string;

beforeAll(async () => {
  clip = await packageTestClip(4);
  t = await createTestApp();
  // The storage the server runtime reads segments through (a small cache: the MP4 is not one of its files).
  const deps = { ...t.deps, storage: withSegmentCache(t.deps.storage, createMemorySegmentStore(1024 * 1024)) };
  app = createApp(deps);
  for (const [path, bytes] of clip.files) await deps.storage.put(`${clip.sha}/${path}`, bytes);
  mp4 = clip.files.get(PROGRESSIVE_MP4)!;
  // Packaged before progressive MP4s: no `progressive` in its meta.
  await deps.storage.put(`${OLD_PREFIX}/${META_FILE}`, JSON.stringify(samplePackageMeta({ relativeUris: true })));
  const ready = { ownerId: "alice", status: "ready" as const, storagePrefix: clip.sha };
  await insertVideo(t.deps.db, { id: "film", title: 'Crème "brûlée" / part\\1\r\n', visibility: "public", ...ready });
  await insertVideo(t.deps.db, { id: "hidden", title: "Private", visibility: "private", ...ready });
  await insertVideo(t.deps.db, { id: "old", title: "Old", visibility: "public", ownerId: "alice", status: "ready", storagePrefix: OLD_PREFIX });
  await insertVideo(t.deps.db, { id: "wip", title: "Packaging", visibility: "public", ownerId: "alice", status: "generating" });
  alice = await t.tokenFor("alice");
  bob = await t.tokenFor("bob");
}, 120_000);

afterAll(async () => {
  await t?.close();
  await clip?.remove();
});

const get = (url: string, headers: Record<string, string> = {}) => app.request(url, { headers });

describe("mp4Url from /stream", () => {
  it("is signed in the path form for a package with a progressive MP4, and answers ranges with 206", async () => {
    const body = (await (await app.request("/api/videos/film/stream", bearer(bob))).json()) as { mp4Url?: string; manifestUrl: string };
    expect(body.mp4Url).toBe(body.manifestUrl.replace(/master\.m3u8$/, PROGRESSIVE_MP4));

    const whole = await get(body.mp4Url!);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("Content-Type")).toBe("video/mp4");
    expect(whole.headers.get("Accept-Ranges")).toBe("bytes");
    expect(whole.headers.get("Content-Length")).toBe(String(mp4.length));
    expect(whole.headers.get("Content-Disposition")).toBeNull();
    expect(Buffer.from(await whole.arrayBuffer()).equals(mp4)).toBe(true);

    // What a browser's media element asks as it starts and seeks.
    const cases: [string, number, number][] = [
      ["bytes=0-", 0, mp4.length - 1],
      ["bytes=100-1099", 100, 1099],
      [`bytes=${mp4.length - 500}-`, mp4.length - 500, mp4.length - 1],
      ["bytes=-64", mp4.length - 64, mp4.length - 1],
    ];
    for (const [range, first, last] of cases) {
      const part = await get(body.mp4Url!, { Range: range });
      expect(part.status, range).toBe(206);
      expect(part.headers.get("Content-Range"), range).toBe(`bytes ${first}-${last}/${mp4.length}`);
      expect(part.headers.get("Content-Length"), range).toBe(String(last - first + 1));
      expect(Buffer.from(await part.arrayBuffer()).equals(mp4.subarray(first, last + 1)), range).toBe(true);
    }
    const beyond = await get(body.mp4Url!, { Range: `bytes=${mp4.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("Content-Range")).toBe(`bytes */${mp4.length}`);
  });

  it("is absent for a package without one", async () => {
    const body = (await (await app.request("/api/videos/old/stream", bearer(bob))).json()) as Record<string, unknown>;
    expect(body["status"]).toBe("ready");
    expect(body).not.toHaveProperty("mp4Url");
  });
});

describe("GET /api/videos/:id/download", () => {
  it("gives the owner a link that saves the MP4 under the title, safely named", async () => {
    const res = await app.request("/api/videos/film/download", bearer(alice));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; filename: string; sizeBytes: number; expiresAt: string };
    expect(body.filename).toBe("Crème brûlée part 1.mp4");
    expect(body.sizeBytes).toBe(mp4.length);
    const file = await get(body.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Disposition")).toBe(`attachment; filename="Cr_me br_l_e part 1.mp4"; filename*=UTF-8''Cr%C3%A8me%20br%C3%BBl%C3%A9e%20part%201.mp4`);
    expect(Buffer.from(await file.arrayBuffer()).equals(mp4)).toBe(true);
    const part = await get(body.url, { Range: "bytes=10-19" });
    expect([part.status, part.headers.get("Content-Range"), part.headers.get("Content-Disposition")?.startsWith("attachment;")]).toEqual([206, `bytes 10-19/${mp4.length}`, true]);
  });

  it("is 403 for other viewers until the owner allows downloads, and only the owner can allow it", async () => {
    const refused = await app.request("/api/videos/film/download", bearer(bob));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("download_not_allowed");

    expect((await app.request("/api/videos/film", jsonBody(bob, "PATCH", { allowDownload: true }))).status).toBe(404);
    const bad = await app.request("/api/videos/film", jsonBody(alice, "PATCH", { allowDownload: "yes" }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/allowDownload/);

    const patched = await app.request("/api/videos/film", jsonBody(alice, "PATCH", { allowDownload: true }));
    expect(((await patched.json()) as { allowDownload: boolean }).allowDownload).toBe(true);
    expect(((await (await app.request("/api/videos/film", bearer(bob))).json()) as { allowDownload: boolean }).allowDownload).toBe(true);
    const allowed = await app.request("/api/videos/film/download", bearer(bob));
    expect(allowed.status).toBe(200);
    expect((await get(((await allowed.json()) as { url: string }).url)).status).toBe(200);

    await app.request("/api/videos/film", jsonBody(alice, "PATCH", { allowDownload: false }));
    expect((await app.request("/api/videos/film/download", bearer(bob))).status).toBe(403);
  });

  it("is 404 for a video one may not see or a package without an MP4, 409 while packaging", async () => {
    const codes = async (id: string, token: string) => {
      const res = await app.request(`/api/videos/${id}/download`, bearer(token));
      return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    };
    expect(await codes("hidden", bob)).toEqual([404, "not_found"]);
    expect(await codes("old", alice)).toEqual([404, "no_download"]);
    expect(await codes("wip", alice)).toEqual([409, "not_ready"]);
  });

  it("names only a file ending in .mp4, whatever a hand-made link asks", async () => {
    const own = (await (await app.request("/api/videos/film/download", bearer(alice))).json()) as { url: string };
    const forged = own.url.replace(/download=[^&]*/, `download=${encodeURIComponent('evil".exe\r\nX-Injected: 1')}`);
    const res = await get(forged);
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="evil .exe X-Injected 1.mp4"; filename*=UTF-8''evil%20.exe%20X-Injected%201.mp4`);
    expect(res.headers.get("X-Injected")).toBeNull();
  });
});
