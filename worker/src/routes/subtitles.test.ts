// Sidecar subtitles through app.request(): upload, list, delete, and the master, media playlist and
// WebVTT the video is then served with, on a real libSQL file and real files on disk.
import { META_FILE, sidecarSubtitleKey } from "@edgestream/contracts";
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertVideo } from "../db/videos.ts";
import { createTestApp, bearer, type TestApp } from "../testing/test-app.ts";
import { MAX_SUBTITLE_BYTES } from "../subtitles/sidecar-schemas.ts";

const SRT = "1\r\n00:00:01,000 --> 00:00:02,500\r\nBonjour\r\n";
const PREFIX = "pkg1";
const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="audio"\nv0/index.m3u8\n';

let t: TestApp;
let alice: string;
let bob: string;
let videoId: string;

beforeEach(async () => {
  t = await createTestApp();
  alice = await t.tokenFor("alice");
  bob = await t.tokenFor("bob");
  await t.deps.storage.put(`${PREFIX}/master.m3u8`, MASTER);
  await t.deps.storage.put(`${PREFIX}/${META_FILE}`, JSON.stringify(samplePackageMeta()));
  const video = await insertVideo(t.deps.db, { id: "vid1", ownerId: "alice", title: "Film", status: "ready", visibility: "public", progress: 1, storagePrefix: PREFIX, durationMs: 12_500 });
  videoId = video.id;
});
afterEach(() => t.close());

function upload(token: string, body: BodyInit, query = "language=fr&label=Fran%C3%A7ais", type = "application/x-subrip") {
  return t.app.request(`/api/videos/${videoId}/subtitles?${query}`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": type }, body });
}

async function addTrack(): Promise<{ id: string }> {
  const response = await upload(alice, SRT);
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

async function streamUrl(token = alice): Promise<string> {
  const response = await t.app.request(`/api/videos/${videoId}/stream`, bearer(token));
  expect(response.status).toBe(200);
  return ((await response.json()) as { manifestUrl: string }).manifestUrl;
}

describe("POST /api/videos/:id/subtitles", () => {
  it("stores a SubRip file as WebVTT under the video and lists it", async () => {
    const response = await upload(alice, SRT);
    expect(response.status).toBe(201);
    const track = (await response.json()) as { id: string };
    expect(track).toMatchObject({ language: "fr", label: "Français", cues: 1 });
    const stored = await t.deps.storage.get(sidecarSubtitleKey(videoId, track.id));
    expect(await new Response(stored!.body).text()).toContain("00:00:01.000 --> 00:00:02.500\nBonjour\n");
    const list = await t.app.request(`/api/videos/${videoId}/subtitles`, bearer(alice));
    expect(await list.json()).toEqual({ tracks: [{ id: track.id, language: "fr", label: "Français", cues: 1, createdAt: expect.any(String) }] });
  });

  it("canonicalises the language tag and labels the track with it when no label is given", async () => {
    const response = await upload(alice, SRT, "language=PT-br");
    expect(await response.json()).toMatchObject({ language: "pt-BR", label: "pt-BR" });
  });

  it("lets an admin add to someone else's video; anyone else gets 404 for every route", async () => {
    expect((await upload(await t.tokenFor("root", ["admin"]), SRT, "language=fr&label=Admin")).status).toBe(201);
    const { id } = await addTrack();
    const notFound = { error: { code: "not_found", message: "no such video" } };
    const post = await upload(bob, SRT);
    expect([post.status, await post.json()]).toEqual([404, notFound]);
    const list = await t.app.request(`/api/videos/${videoId}/subtitles`, bearer(bob));
    expect([list.status, await list.json()]).toEqual([404, notFound]);
    const del = await t.app.request(`/api/videos/${videoId}/subtitles/${id}`, { method: "DELETE", ...bearer(bob) });
    expect([del.status, await del.json()]).toEqual([404, notFound]);
    const mine = await t.app.request(`/api/videos/${videoId}/subtitles`, bearer(alice));
    expect(((await mine.json()) as { tracks: unknown[] }).tracks).toHaveLength(2);
  });

  it("refuses a file over the cap with 413 naming the limit, and stores nothing", async () => {
    const response = await upload(alice, "x".repeat(MAX_SUBTITLE_BYTES + 1));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: "too_large", message: `the request body is larger than the ${MAX_SUBTITLE_BYTES}-byte limit of this route` } });
    expect(await readdir(join(t.dir, "media"))).toEqual([PREFIX]);
  });

  it("answers 415 for binary and ASS files and 422 naming the bad line, storing nothing", async () => {
    const binary = await upload(alice, new Uint8Array([0x50, 0x47, 0, 0, 0, 0, 0x16, 0]), undefined, "application/octet-stream");
    expect([binary.status, await binary.json()]).toEqual([415, { error: { code: "unsupported_subtitles", message: expect.stringContaining("binary") } }]);
    const ass = await upload(alice, "[Script Info]\nScriptType: v4.00+\n", undefined, "text/plain");
    expect(ass.status).toBe(415);
    const bad = await upload(alice, "WEBVTT\n\n00:01.000 --> 00:00.500\nbackwards\n", undefined, "text/vtt");
    expect([bad.status, await bad.json()]).toEqual([422, { error: { code: "invalid_subtitles", message: "line 3: the cue ends (00:00.500) before it starts (00:01.000)" } }]);
    expect(await readdir(join(t.dir, "media"))).toEqual([PREFIX]);
  });

  it("answers 409 for a second track with the same label: a player lists tracks by name", async () => {
    await addTrack();
    const again = await upload(alice, SRT, "language=fr-CA&label=Fran%C3%A7ais");
    expect([again.status, await again.json()]).toEqual([409, { error: { code: "duplicate_label", message: 'the video already has a subtitle track named "Français": choose another label' } }]);
  });

  it("answers 400 naming the field for a bad language or a path-ish or quoted label", async () => {
    for (const query of ["label=x", "language=", "language=not_a_tag", "language=en&label=..%2F..%2Fetc%2Fpasswd", 'language=en&label=a%22%2CDEFAULT%3DYES', "language=en&label=a%0A%23EXT"]) {
      const response = await upload(alice, SRT, query);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect([query, response.status, body.error.code]).toEqual([query, 400, "invalid_input"]);
      expect(body.error.message).toMatch(/^(language|label): /);
    }
  });
});

describe("a video served with its sidecars", () => {
  it("keeps the stored master for a video without sidecars, and hands out the composed one once it has some", async () => {
    expect(await streamUrl()).toMatch(/^\/hls\/[^/]+\/master\.m3u8$/);
    const { id } = await addTrack();
    const url = await streamUrl(bob); // public video: any viewer plays it with its subtitles
    expect(url).toMatch(/^\/hls\/[^/]+\/master-sidecars\.m3u8$/);
    const master = await t.app.request(url);
    expect(master.status).toBe(200);
    expect(master.headers.get("Content-Type")).toBe("application/vnd.apple.mpegurl");
    expect(await master.text()).toBe(
      `#EXTM3U\n#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="fr",NAME="Français",AUTOSELECT=YES,DEFAULT=NO,URI="sidecar-${id}/index.m3u8"\n` +
        '#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="audio",SUBTITLES="subs"\nv0/index.m3u8\n',
    );
    const base = url.slice(0, url.lastIndexOf("/") + 1);
    const playlist = await t.app.request(`${base}sidecar-${id}/index.m3u8`);
    expect(await playlist.text()).toContain("#EXTINF:12.500,\nsubtitles.vtt\n#EXT-X-ENDLIST\n");
    const vtt = await t.app.request(`${base}sidecar-${id}/subtitles.vtt`);
    expect(vtt.headers.get("Content-Type")).toBe("text/vtt; charset=utf-8");
    expect(await vtt.text()).toMatch(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00\.000\n\n1\n00:00:01\.000 --> 00:00:02\.500\nBonjour\n$/);
  });

  it("serves the sidecar WebVTT with the package's first timestamp as its MPEGTS, as in-source tracks have it", async () => {
    const { id } = await addTrack();
    const base = (await streamUrl()).replace(/master-sidecars\.m3u8$/, "");
    await t.deps.storage.put(`${PREFIX}/${META_FILE}`, JSON.stringify({ ...samplePackageMeta(), segmentType: "ts", firstTimestamp90k: 126_000 }));
    const vtt = await t.app.request(`${base}sidecar-${id}/subtitles.vtt`);
    expect([vtt.status, vtt.headers.get("Content-Type")]).toEqual([200, "text/vtt; charset=utf-8"]);
    expect(await vtt.text()).toBe("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n1\n00:00:01.000 --> 00:00:02.500\nBonjour\n");
  });

  it("signs every URI of the composed master and the sidecar playlist in the query form", async () => {
    const { id } = await addTrack();
    const token = (await streamUrl()).split("/")[2]!;
    const master = await (await t.app.request(`/hls/${videoId}/master-sidecars.m3u8?sig=${token}`)).text();
    expect(master).toContain(`URI="sidecar-${id}/index.m3u8?sig=${token}"`);
    const playlist = await (await t.app.request(`/hls/${videoId}/sidecar-${id}/index.m3u8?sig=${token}`)).text();
    expect(playlist).toContain(`subtitles.vtt?sig=${token}\n`);
    const vtt = await t.app.request(`/hls/${videoId}/sidecar-${id}/subtitles.vtt?sig=${token}`);
    expect(await vtt.text()).toContain("Bonjour"); // cue text as stored, not rewritten as if it were a thumbnail URI
  });

  it("gates the sidecar files like every signed file: 403 without or with another video's token, 410 once expired", async () => {
    const { id } = await addTrack();
    expect((await t.app.request(`/hls/${videoId}/sidecar-${id}/subtitles.vtt`)).status).toBe(403);
    await insertVideo(t.deps.db, { id: "vid2", ownerId: "alice", title: "Other", status: "ready", progress: 1, storagePrefix: PREFIX, durationMs: 1000 });
    const other = (await (await t.app.request(`/api/videos/vid2/stream`, bearer(alice))).json()) as { manifestUrl: string };
    const otherToken = other.manifestUrl.split("/")[2]!;
    expect((await t.app.request(`/hls/${videoId}/sidecar-${id}/index.m3u8?sig=${otherToken}`)).status).toBe(403);
    // A token of the other video reads only the other video's sidecars: this track is not one.
    expect((await t.app.request(`/hls/${otherToken}/sidecar-${id}/index.m3u8`)).status).toBe(404);
    const later = await createTestApp({}, () => Math.floor(Date.now() / 1000) + 2 * t.deps.config.STREAM_TOKEN_TTL_SECONDS);
    try {
      const token = (await streamUrl()).split("/")[2]!;
      const response = await later.app.request(`/hls/${token}/sidecar-${id}/subtitles.vtt`);
      expect(response.status).toBe(410);
    } finally {
      await later.close();
    }
  });

  it("serves the package's MPD with a text AdaptationSet per sidecar under the same token", async () => {
    await t.deps.storage.put(`${PREFIX}/manifest.mpd`, '<?xml version="1.0"?>\n<MPD type="static"><Period id="0"><AdaptationSet contentType="video"/></Period></MPD>\n');
    const { id } = await addTrack();
    const token = (await streamUrl()).split("/")[2]!;
    const mpd = await t.app.request(`/hls/${token}/manifest-sidecars.mpd`);
    expect(mpd.headers.get("Content-Type")).toBe("application/dash+xml");
    const text = await mpd.text();
    expect(text).toContain(`<AdaptationSet contentType="text" mimeType="text/vtt" lang="fr"><Label>Français</Label>`);
    expect(text).toContain(`<BaseURL>sidecar-${id}/subtitles.vtt</BaseURL></Representation></AdaptationSet>\n</Period></MPD>`);
    expect((await t.app.request(`/hls/${token}/sidecar-${id}/subtitles.vtt`)).status).toBe(200);
  });

  it("drops a deleted track from the master, its file from storage, and 404s a second delete", async () => {
    const { id } = await addTrack();
    const second = (await (await upload(alice, SRT, "language=de")).json()) as { id: string };
    const del = await t.app.request(`/api/videos/${videoId}/subtitles/${id}`, { method: "DELETE", ...bearer(alice) });
    expect(del.status).toBe(204);
    expect(await t.deps.storage.head(sidecarSubtitleKey(videoId, id))).toBeNull();
    const master = await (await t.app.request(await streamUrl())).text();
    expect(master).not.toContain(`sidecar-${id}/`);
    expect(master).toContain(`sidecar-${second.id}/`);
    expect((await t.app.request(`/api/videos/${videoId}/subtitles/${id}`, { method: "DELETE", ...bearer(alice) })).status).toBe(404);
  });

  it("deletes a video's sidecars (rows and files) with the video, leaving the shared package", async () => {
    const { id } = await addTrack();
    expect((await t.app.request(`/api/videos/${videoId}`, { method: "DELETE", ...bearer(alice) })).status).toBe(204);
    expect(await t.deps.storage.head(sidecarSubtitleKey(videoId, id))).toBeNull();
    expect(await t.deps.storage.list("sidecars")).toEqual([]);
  });
});
