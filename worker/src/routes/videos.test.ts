// Video routes through app.request(): upload, import from storage, sharing, deletion.
import { StreamResponseSchema } from "@edgestream/contracts";
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, bearer, jsonBody, type TestApp } from "../testing/test-app.ts";

let t: TestApp;
let alice: string;
let bob: string;
beforeEach(async () => {
  t = await createTestApp({ MAX_UPLOAD_BYTES: "1000" });
  alice = await t.tokenFor("alice");
  bob = await t.tokenFor("bob");
});
afterEach(() => t.close());

async function seedPackage(prefix: string, meta?: object) {
  await t.deps.storage.put(`${prefix}/master.m3u8`, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n");
  await t.deps.storage.put(`${prefix}/v0/index.m3u8`, "#EXTM3U\n#EXTINF:4,\nseg_00000.m4s\n#EXT-X-ENDLIST\n");
  await t.deps.storage.put(`${prefix}/v0/seg_00000.m4s`, "segment");
  if (meta) await t.deps.storage.put(`${prefix}/meta.json`, JSON.stringify(meta));
}

describe("POST /api/videos", () => {
  it("streams an uploaded file to storage and creates a pending video", async () => {
    const response = await t.app.request("/api/videos?title=Holiday", {
      method: "POST",
      headers: { Authorization: `Bearer ${alice}`, "Content-Type": "video/mp4" },
      body: new Blob(["x".repeat(600)]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(201);
    const video = (await response.json()) as { id: string; status: string; title: string; visibility: string };
    expect(video).toMatchObject({ title: "Holiday", status: "pending", visibility: "private" });
    expect(await t.deps.storage.head(`uploads/${video.id}/source`)).toMatchObject({ size: 600 });
  });

  it("refuses an upload over MAX_UPLOAD_BYTES with 413 and keeps nothing of it", async () => {
    const response = await t.app.request("/api/videos?title=Big", {
      method: "POST",
      headers: { Authorization: `Bearer ${alice}`, "Content-Type": "application/octet-stream" },
      body: new Blob(["x".repeat(5000)]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "too_large" } });
    expect(await readdir(join(t.dir, "media"))).toEqual([]);
  });

  it("refuses an empty upload and an unknown body type", async () => {
    const empty = await t.app.request("/api/videos", { method: "POST", headers: { Authorization: `Bearer ${alice}`, "Content-Type": "video/mp4" }, body: "" });
    expect(empty.status).toBe(400);
    const form = await t.app.request("/api/videos", { method: "POST", headers: { Authorization: `Bearer ${alice}`, "Content-Type": "text/html" }, body: "<p>" });
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({ error: { code: "unsupported_media_type" } });
  });

  it("lets an admin register a packaged prefix, ready at once with facts from meta.json", async () => {
    const source = { ...samplePackageMeta().source, durationSec: 12.5 };
    const thumbnails = { poster: "poster.jpg", track: "thumbnails.vtt", sprites: ["sprite-001.jpg"], intervalSec: 4, width: 160, height: 90, columns: 5, rows: 5, count: 4 };
    await seedPackage("abc123", samplePackageMeta({ source, thumbnails }));
    const admin = await t.tokenFor("site", ["admin"]);
    const response = await t.app.request("/api/videos", jsonBody(admin, "POST", { title: "Imported", storageKey: "abc123", visibility: "public" }));
    expect(response.status).toBe(201);
    const video = (await response.json()) as { id: string };
    expect(video).toMatchObject({ status: "ready", durationMs: 12500, visibility: "public" });
    const stream = (await (await t.app.request(`/api/videos/${video.id}/stream`, bearer(bob))).json()) as Record<string, string>;
    expect(stream["posterUrl"]).toMatch(new RegExp(`^/hls/${video.id}/poster\\.jpg\\?sig=`));
    expect(stream["thumbnailsUrl"]).toMatch(new RegExp(`^/hls/${video.id}/thumbnails\\.vtt\\?sig=`));
    // What the player SDK reads as StreamInfo: the contracts schema, so the two cannot drift apart.
    expect(StreamResponseSchema.parse(stream)).toEqual(stream);
  });

  it("refuses to register a package whose meta.json does not match the schema, naming the field", async () => {
    const { backend: _, ...withoutBackend } = samplePackageMeta();
    await seedPackage("abc123", withoutBackend);
    const admin = await t.tokenFor("site", ["admin"]);
    const response = await t.app.request("/api/videos", jsonBody(admin, "POST", { title: "Imported", storageKey: "abc123" }));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_package");
    expect(body.error.message).toMatch(/^abc123\/meta\.json is not a valid package meta\.json: .*backend/);
  });

  it("refuses storage imports from non-admins, and keys with nothing behind them", async () => {
    await seedPackage("abc123");
    expect((await t.app.request("/api/videos", jsonBody(alice, "POST", { title: "Mine?", storageKey: "abc123" }))).status).toBe(403);
    const admin = await t.tokenFor("site", ["admin"]);
    const missing = await t.app.request("/api/videos", jsonBody(admin, "POST", { title: "Ghost", storageKey: "nothing/here" }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { message: 'storageKey: nothing in storage at "nothing/here"' } });
    const hostile = await t.app.request("/api/videos", jsonBody(admin, "POST", { title: "Up", storageKey: "../etc" }));
    expect(hostile.status).toBe(400);
    expect(await hostile.json()).toMatchObject({ error: { message: expect.stringMatching(/^storageKey: /) } });
  });

  it("answers 400 naming storageKey (never 500) for keys with dots, long names or odd characters", async () => {
    const admin = await t.tokenFor("site", ["admin"]);
    for (const storageKey of ["a..b", "x/a..b/c", "a/".repeat(300) + "b", "k".repeat(5000), "a\\b", "ä", "a//b", "a/", " a"]) {
      const response = await t.app.request("/api/videos", jsonBody(admin, "POST", { title: "Odd", storageKey }));
      expect([storageKey.slice(0, 20), response.status]).toEqual([storageKey.slice(0, 20), 400]);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_input", message: expect.stringMatching(/^storageKey: /) } });
    }
  });

  it("refuses to register a package whose prefix a stream token cannot carry", async () => {
    await seedPackage("library/intro");
    await seedPackage("node-abc");
    const admin = await t.tokenFor("site", ["admin"]);
    for (const storageKey of ["library/intro", "node-abc"]) {
      const response = await t.app.request("/api/videos", jsonBody(admin, "POST", { title: "X", storageKey }));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { message: expect.stringMatching(/^storageKey: a packaged video's prefix must be one folder name/) } });
    }
  });

  it("names the missing field in a 400", async () => {
    const admin = await t.tokenFor("site", ["admin"]);
    const response = await t.app.request("/api/videos", jsonBody(admin, "POST", { storageKey: "abc" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_input", message: expect.stringMatching(/^title: /) } });
  });
});

describe("sharing and deleting", () => {
  async function importAs(owner: string, prefix: string, visibility = "private") {
    await seedPackage(prefix);
    const admin = await t.tokenFor(owner, ["admin"]);
    const response = await t.app.request("/api/videos", jsonBody(admin, "POST", { title: "V", storageKey: prefix, visibility }));
    return ((await response.json()) as { id: string }).id;
  }

  it("shows an unlisted video by id but not in others' lists, and hides private ones with 404", async () => {
    const id = await importAs("alice", "p1");
    expect((await t.app.request(`/api/videos/${id}`, bearer(bob))).status).toBe(404);
    const shared = await t.app.request(`/api/videos/${id}`, jsonBody(await t.tokenFor("alice", ["admin"]), "PATCH", { visibility: "unlisted" }));
    expect(shared.status).toBe(200);
    expect((await t.app.request(`/api/videos/${id}`, bearer(bob))).status).toBe(200);
    const list = (await (await t.app.request("/api/videos", bearer(bob))).json()) as { videos: unknown[] };
    expect(list.videos).toEqual([]);
  });

  it("tells each viewer whether they own a video, with its progress and no reason unless it failed", async () => {
    const id = await importAs("alice", "p1", "public");
    const mine = (await (await t.app.request(`/api/videos/${id}`, bearer(alice))).json()) as Record<string, unknown>;
    expect(mine).toMatchObject({ id, owned: true, progress: 1, error: null, status: "ready" });
    const list = (await (await t.app.request("/api/videos", bearer(bob))).json()) as { videos: Record<string, unknown>[] };
    expect(list.videos).toEqual([expect.objectContaining({ id, owned: false })]);
    const renamed = (await (await t.app.request(`/api/videos/${id}`, jsonBody(alice, "PATCH", { title: "New" }))).json()) as Record<string, unknown>;
    expect(renamed).toMatchObject({ title: "New", owned: true });
  });

  it("lets only the owner change or delete a video", async () => {
    const id = await importAs("alice", "p1", "public");
    expect((await t.app.request(`/api/videos/${id}`, jsonBody(bob, "PATCH", { title: "Mine now" }))).status).toBe(404);
    expect((await t.app.request(`/api/videos/${id}`, { method: "DELETE", ...bearer(bob) })).status).toBe(404);
    expect((await t.app.request(`/api/videos/${id}`, jsonBody(alice, "PATCH", {}))).status).toBe(400);
  });

  it("deletes the media with the video, but keeps a package another video still uses", async () => {
    const first = await importAs("alice", "shared");
    const second = await importAs("alice", "shared");
    expect((await t.app.request(`/api/videos/${first}`, { method: "DELETE", ...bearer(alice) })).status).toBe(204);
    expect(await t.deps.storage.list("shared")).toHaveLength(3);
    expect((await t.app.request(`/api/videos/${first}`, bearer(alice))).status).toBe(404);
    expect((await t.app.request(`/api/videos/${second}`, { method: "DELETE", ...bearer(alice) })).status).toBe(204);
    expect(await t.deps.storage.list("shared")).toEqual([]);
  });
});
