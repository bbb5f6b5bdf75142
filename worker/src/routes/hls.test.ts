// The signed path's two forms through app.request(): a real libSQL file and real files on disk.
// Query form (/hls/<vid>/<file>?sig=): playlists rewritten. Path form (/hls/<token>/<file>): stored bytes.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DASH_MANIFEST, META_FILE } from "@edgestream/contracts";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { createViewerAuth } from "../auth/viewer-jwt.ts";
import { parseConfig } from "../config.ts";
import { openLibsqlDatabase, type LibsqlDatabase } from "../db/libsql.ts";
import { insertVideo } from "../db/videos.ts";
import type { AppDeps } from "../env.ts";
import { createKeyring } from "../signing/keyring.ts";
import { signStreamToken } from "../signing/stream-token.ts";
import { tamper } from "../../../tests/helpers/stack.ts";

const NOW = 1_800_000_000;
const PREFIX = "e".repeat(64);
const OLD_PREFIX = "d".repeat(64);
let dir: string;
let database: LibsqlDatabase;
let deps: AppDeps;
let app: ReturnType<typeof createApp>;
let alice: string;

/** A media playlist of exactly 382 bytes: a UTF-8 BOM, a Latin-1 byte (é as 0xE9) in a title, CRLF on one line. */
function oddPlaylist(): Uint8Array {
  const head = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MAP:URI=\"init.mp4\"\r\n";
  const body = "#EXTINF:4.000000,caf\xe9\nseg%20one.m4s\n#EXTINF:4.000000,\nseg_00001.m4s\n#EXT-X-ENDLIST\n";
  const fixed = 3 + head.length + body.length + "# \n".length;
  const text = `${head}# ${"x".repeat(382 - fixed)}\n${body}`;
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Array.from(text, (c) => c.charCodeAt(0))]);
  expect(bytes.length).toBe(382);
  return bytes;
}

/** A stored MPD: its URLs are relative, so the worker serves it as stored bytes in the path form. */
const MPD = `<?xml version="1.0"?>\n<MPD type="static"><Period><AdaptationSet><Representation id="v0"><SegmentTemplate initialization="v0/init.mp4" media="v0/seg_$Number%05d$.m4s"/></Representation></AdaptationSet></Period></MPD>\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-hls-route-"));
  database = await openLibsqlDatabase(`file:${join(dir, "db.sqlite")}`);
  await database.migrate(fileURLToPath(new URL("../../drizzle", import.meta.url)));
  const config = parseConfig({ SIGNING_KEYS: `k1:${"s".repeat(40)}`, JWT_SECRET: "j".repeat(40) });
  deps = { config, keyring: await createKeyring({ k1: "s".repeat(40) }, "k1"), db: database.db, storage: createFsStorage(join(dir, "media")), now: () => NOW };
  app = createApp(deps);
  for (const prefix of [PREFIX, OLD_PREFIX]) {
    await deps.storage.put(`${prefix}/master.m3u8`, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n");
    await deps.storage.put(`${prefix}/v0/index.m3u8`, oddPlaylist());
    await deps.storage.put(`${prefix}/v0/seg one.m4s`, new Uint8Array([1, 2, 3]));
    await deps.storage.put(`${prefix}/v0/seg_00001.m4s`, new Uint8Array([4, 5, 6, 7]));
  }
  await deps.storage.put(`${PREFIX}/${META_FILE}`, JSON.stringify(samplePackageMeta({ relativeUris: true, dash: DASH_MANIFEST })));
  await deps.storage.put(`${PREFIX}/${DASH_MANIFEST}`, MPD);
  // Written before relativeUris existed (version 2): its playlists may need rewriting.
  const { relativeUris: _, ...old } = samplePackageMeta();
  await deps.storage.put(`${OLD_PREFIX}/${META_FILE}`, JSON.stringify({ ...old, version: 2 }));
  await insertVideo(database.db, { id: "relvid", ownerId: "alice", title: "Relative", status: "ready", storagePrefix: PREFIX });
  await insertVideo(database.db, { id: "oldvid", ownerId: "alice", title: "Old", status: "ready", storagePrefix: OLD_PREFIX });
  alice = await createViewerAuth(config).issue({ id: "alice", roles: [] });
});

afterAll(async () => {
  database.close();
  await rm(dir, { recursive: true, force: true });
});

const sign = (exp: number, vid = "relvid", src = PREFIX) => signStreamToken(deps.keyring, { exp, vid, src });
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());
/** Latin-1 text of bytes: one character per byte, so a byte comparison can be written as text. */
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

describe("query form: playlists rewritten byte for byte", () => {
  it("keeps a BOM and Latin-1 bytes, adding only the token", async () => {
    const token = await sign(NOW + 60);
    const response = await app.request(`/hls/relvid/v0/index.m3u8?sig=${token}`);
    expect(response.status).toBe(200);
    const expected = latin1(oddPlaylist()).replace(/(init\.mp4|seg%20one\.m4s|seg_00001\.m4s)/g, `$1?sig=${token}`);
    expect(latin1(await bytesOf(response))).toBe(expected);
  });

  it("accepts the percent-encoded names the rewriter signs, decoded once to the stored key", async () => {
    const token = await sign(NOW + 60);
    const playlist = await (await app.request(`/hls/relvid/v0/index.m3u8?sig=${token}`)).arrayBuffer();
    const line = latin1(new Uint8Array(playlist)).split("\n").find((l) => l.startsWith("seg%20one"))!;
    const segment = await app.request(`/hls/relvid/v0/${line}`);
    expect(segment.status).toBe(200);
    expect([...(await bytesOf(segment))]).toEqual([1, 2, 3]);
  });

  it.each(["v0/seg%2520one.m4s", "v0%2findex.m3u8", "v0/seg%5cone.m4s", "v0/seg%00.m4s", "v0/%"])(
    "still refuses %j before the signature (403, no-store)",
    async (path) => {
      const response = await app.request(`/hls/relvid/${path}?sig=${await sign(NOW + 60)}`);
      expect(response.status).toBe(403);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(await response.json()).toMatchObject({ error: { code: "bad_path" } });
    },
  );
});

describe("path form: /hls/<token>/<file>, playlists as stored bytes", () => {
  const stream = async (vid: string) => (await (await app.request(`/api/videos/${vid}/stream`, { headers: { Authorization: `Bearer ${alice}` } })).json()) as { manifestUrl: string };

  it("is what /stream hands out for a package whose meta.json says every URI is relative", async () => {
    const { manifestUrl } = await stream("relvid");
    const token = manifestUrl.split("/")[2]!;
    expect(manifestUrl).toBe(`/hls/${token}/master.m3u8`);
    expect(token.split(".")[2]).toBe("relvid");
  });

  it("stays the query form for a package without the record (a version 2 meta.json)", async () => {
    expect((await stream("oldvid")).manifestUrl).toMatch(/^\/hls\/oldvid\/master\.m3u8\?sig=k1\./);
  });

  it("serves every playlist as its stored bytes (382 bytes with the BOM), and relative URIs resolved against it play", async () => {
    const master = new URL((await stream("relvid")).manifestUrl, "http://worker");
    const top = await app.request(master.href);
    expect(top.status).toBe(200);
    expect(top.headers.get("Cache-Control")).toBe("no-cache");
    expect(top.headers.get("Content-Type")).toBe("application/vnd.apple.mpegurl");
    expect(await top.text()).toBe("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n");
    const media = new URL("v0/index.m3u8", master);
    const playlist = await bytesOf(await app.request(media.href));
    expect(playlist.length).toBe(382);
    expect(playlist).toEqual(oddPlaylist());
    const segment = await app.request(new URL("seg%20one.m4s", media).href);
    expect(segment.status).toBe(200);
    expect(segment.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect([...(await bytesOf(segment))]).toEqual([1, 2, 3]);
    const part = await app.request(new URL("seg_00001.m4s", media).href, { headers: { Range: "bytes=1-2" } });
    expect(part.status).toBe(206);
    expect([...(await bytesOf(part))]).toEqual([5, 6]);
  });

  it("answers 403 for a tampered token and 410 for an expired one, both no-store and with CORS", async () => {
    const token = await sign(NOW + 60);
    const otherVideo = token.replace(".relvid.", ".oldvid."); // the MAC no longer covers it
    const tampered = tamper(token);
    for (const bad of [tampered, otherVideo]) {
      const response = await app.request(`/hls/${bad}/v0/index.m3u8`, { headers: { Origin: "https://site.example" } });
      expect(response.status).toBe(403);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(await response.json()).toMatchObject({ error: { code: "invalid_signature" } });
    }
    const expired = await app.request(`/hls/${await sign(NOW - 3600)}/v0/seg_00001.m4s`, { headers: { Origin: "https://site.example" } });
    expect(expired.status).toBe(410);
    expect(expired.headers.get("Cache-Control")).toBe("no-store");
    expect(expired.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("refuses hostile paths after the token like the query form (403 bad_path)", async () => {
    const token = await sign(NOW + 60);
    for (const path of ["v0%2findex.m3u8", "v0/seg%5cone.m4s", "v0/seg%2520one.m4s", "v0//index.m3u8"]) {
      const response = await app.request(`/hls/${token}/${path}`);
      expect([path, response.status]).toEqual([path, 403]);
      expect(await response.json()).toMatchObject({ error: { code: "bad_path" } });
    }
  });

  it("is not handed out in nginx mode, whose playlists need md5 links", async () => {
    const config = parseConfig({ SIGNING_KEYS: `k1:${"s".repeat(40)}`, JWT_SECRET: "j".repeat(40), NGINX_SECURE_LINK_SECRET: "n".repeat(32) });
    const nginxApp = createApp({ ...deps, config });
    const body = (await (await nginxApp.request("/api/videos/relvid/stream", { headers: { Authorization: `Bearer ${alice}` } })).json()) as { manifestUrl: string };
    expect(body.manifestUrl).toMatch(/^\/hls\/relvid\/master\.m3u8\?sig=/);
  });
});

describe("DASH: the stored MPD in the path form", () => {
  const stream = async (vid: string, app_ = app) => (await (await app_.request(`/api/videos/${vid}/stream`, { headers: { Authorization: `Bearer ${alice}` } })).json()) as { manifestUrl: string; dashUrl?: string };

  it("is handed out by /stream as dashUrl beside manifestUrl, with the same token in the path", async () => {
    const { manifestUrl, dashUrl } = await stream("relvid");
    expect(dashUrl).toBe(manifestUrl.replace(/master\.m3u8$/, DASH_MANIFEST));
  });

  it("is not handed out for a package whose meta.json names none, nor in nginx mode", async () => {
    expect(await stream("oldvid")).not.toHaveProperty("dashUrl");
    const config = parseConfig({ SIGNING_KEYS: `k1:${"s".repeat(40)}`, JWT_SECRET: "j".repeat(40), NGINX_SECURE_LINK_SECRET: "n".repeat(32) });
    expect(await stream("relvid", createApp({ ...deps, config }))).not.toHaveProperty("dashUrl");
  });

  it("serves the MPD's stored bytes as application/dash+xml, no-cache, and its relative segments inherit the token", async () => {
    const mpdUrl = new URL((await stream("relvid")).dashUrl!, "http://worker");
    const response = await app.request(mpdUrl.href, { headers: { Origin: "https://site.example" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/dash+xml");
    expect(response.headers.get("Cache-Control")).toBe("no-cache");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await response.text()).toBe(MPD);
    const segment = await app.request(new URL("v0/seg_00001.m4s", mpdUrl).href);
    expect([...(await bytesOf(segment))]).toEqual([4, 5, 6, 7]);
  });

  it("answers 403 for a tampered token and 410 for an expired one on the MPD, no-store", async () => {
    const tampered = await app.request(`/hls/${tamper(await sign(NOW + 60))}/${DASH_MANIFEST}`);
    expect(tampered.status).toBe(403);
    const expired = await app.request(`/hls/${await sign(NOW - 3600)}/${DASH_MANIFEST}`, { headers: { Origin: "https://site.example" } });
    expect(expired.status).toBe(410);
    expect(expired.headers.get("Cache-Control")).toBe("no-store");
    expect(expired.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await expired.json()).toMatchObject({ error: { code: "expired" } });
  });

  it("refuses the query form for an MPD, whose relative URLs could not carry the token, with a 404 naming the path form", async () => {
    const response = await app.request(`/hls/relvid/${DASH_MANIFEST}?sig=${await sign(NOW + 60)}`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("dash_needs_path_form");
    expect(body.error.message).toMatch(/path form/);
  });

  it("is in the OpenAPI document: dashUrl in the Stream schema, the .mpd on the signed path", async () => {
    const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, { get: { description: string } }>; components: { schemas: Record<string, { oneOf?: { properties: Record<string, unknown> }[] }> } };
    const ready = doc.components.schemas["Stream"]!.oneOf!.find((s) => "manifestUrl" in s.properties && "expiresAt" in s.properties && "posterUrl" in s.properties)!;
    expect(ready.properties).toHaveProperty("dashUrl");
    expect(doc.paths["/hls/{id}/{path}"]!.get.description).toMatch(/application\/dash\+xml/);
  });
});
