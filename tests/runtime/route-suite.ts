// One route suite, run over real HTTP against the worker under each runtime it claims: Node,
// workerd (miniflare, with D1 and R2) and Deno. Each runtime file provides a target that can seed
// storage directly (as the transcode node would) and the suite does everything else through the API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASH_MANIFEST, sidecarSubtitleKey, tokenOf, withToken } from "@edgestream/contracts";
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { createKeyring, parseSigningKeys, signStreamToken } from "@edgestream/worker";
import { tamper, TEST_SECRETS } from "../helpers/stack.ts";
import { startCuttingProxy } from "../helpers/cutting-proxy.ts";
import { tusUpload } from "../helpers/tus-client.ts";

export interface RuntimeTarget {
  url: string;
  /** Writes straight into the runtime's storage. */
  seed(key: string, body: string): Promise<void>;
  /** Reads straight from the runtime's storage (null when nothing is there). */
  read(key: string): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

export const SUITE_ENV = { ...TEST_SECRETS, DEMO_MODE: "1" };

const MEDIA_PLAYLIST = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.0,\nseg_00000.m4s\n#EXTINF:2.0,\nseg_00001.m4s\n#EXT-X-ENDLIST\n';
const FILES: Record<string, string> = {
  "master.m3u8": '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000,CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360\nv0/index.m3u8\n',
  "v0/index.m3u8": MEDIA_PLAYLIST,
  "v0/init.mp4": "INIT-BYTES",
  "v0/seg_00000.m4s": "SEGMENT-ZERO-0123456789",
  "v0/seg_00001.m4s": "SEGMENT-ONE",
  // Made by a tool that does not promise relative URIs: the query form, playlists rewritten.
  "meta.json": JSON.stringify(samplePackageMeta({ relativeUris: false, source: { ...samplePackageMeta().source, durationSec: 6 } })),
};
/** The same package as the packager writes it (relativeUris, an MPD): the path form, playlists and MPD as stored. */
const RELATIVE_FILES: Record<string, string> = {
  ...FILES,
  [DASH_MANIFEST]: '<?xml version="1.0"?>\n<MPD type="static"><Period><AdaptationSet><Representation id="v0"><SegmentTemplate initialization="v0/init.mp4" media="v0/seg_$Number%05d$.m4s"/></Representation></AdaptationSet></Period></MPD>\n',
  "meta.json": JSON.stringify(samplePackageMeta({ dash: DASH_MANIFEST })),
};

export function describeRoutes(runtime: string, start: () => Promise<RuntimeTarget>): void {
  describe(`worker routes under ${runtime}`, () => {
    let target: RuntimeTarget;
    let alice: string;
    let bob: string;
    let videoId: string;
    const api = (path: string, init: RequestInit = {}, token = alice) =>
      fetch(`${target.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.body && typeof init.body === "string" ? { "Content-Type": "application/json" } : {}), ...init.headers } });
    const login = async (name: string) =>
      ((await (await fetch(`${target.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) })).json()) as { token: string }).token;
    const manifestUrl = async () => new URL(((await (await api(`/api/videos/${videoId}/stream`)).json()) as { manifestUrl: string }).manifestUrl, target.url).href;

    beforeAll(async () => {
      target = await start();
      for (const [path, body] of Object.entries(FILES)) await target.seed(`pkg1/${path}`, body);
      for (const [path, body] of Object.entries(RELATIVE_FILES)) await target.seed(`pkg2/${path}`, body);
      for (const [path, body] of Object.entries(RELATIVE_FILES)) await target.seed(`pkg3/${path}`, body);
      alice = await login("alice");
      bob = await login("bob");
    });
    afterAll(() => target?.close());

    it("answers /healthz and serves the OpenAPI document", async () => {
      expect(await (await fetch(`${target.url}/healthz`)).json()).toMatchObject({ status: "ok" });
      const doc = (await (await fetch(`${target.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(doc.paths).toHaveProperty(["/api/videos/{id}/stream"]);
    });

    it("registers a packaged prefix as a ready video that only its owner sees", async () => {
      const created = await api("/api/videos", { method: "POST", body: JSON.stringify({ title: "Seeded", storageKey: "pkg1" }) });
      expect(created.status).toBe(201);
      const video = (await created.json()) as { id: string; status: string; durationMs: number };
      expect(video).toMatchObject({ status: "ready", durationMs: 6000 });
      videoId = video.id;
      const list = (await (await api("/api/videos")).json()) as { videos: { id: string }[] };
      expect(list.videos.map((v) => v.id)).toEqual([videoId]);
      expect((await api(`/api/videos/${videoId}/stream`, {}, bob)).status).toBe(404);
    });

    it("signs the master and media playlists and serves the bytes behind every URI", async () => {
      const master = await manifestUrl();
      const token = new URL(master).searchParams.get("sig")!;
      const masterText = await (await fetch(master)).text();
      expect(masterText).toBe(FILES["master.m3u8"]!.replace("v0/index.m3u8", `v0/index.m3u8?sig=${token}`));
      const mediaUrl = new URL(`v0/index.m3u8?sig=${token}`, master).href;
      const media = await fetch(mediaUrl);
      expect(media.headers.get("cache-control")).toBe("no-cache");
      expect(await media.text()).toBe(
        MEDIA_PLAYLIST.replace('URI="init.mp4"', `URI="init.mp4?sig=${token}"`).replace(/(seg_\d+\.m4s)/g, `$1?sig=${token}`),
      );
      for (const file of ["init.mp4", "seg_00000.m4s", "seg_00001.m4s"]) {
        const response = await fetch(new URL(`v0/${file}?sig=${token}`, master));
        expect(response.status).toBe(200);
        expect(await response.text()).toBe(FILES[`v0/${file}`]);
      }
    });

    it("hands out the path form for a package with relative URIs and serves its playlists as stored", async () => {
      const created = await api("/api/videos", { method: "POST", body: JSON.stringify({ title: "Relative", storageKey: "pkg2" }) });
      const { id } = (await created.json()) as { id: string };
      const stream = (await (await api(`/api/videos/${id}/stream`)).json()) as { manifestUrl: string; dashUrl?: string };
      const master = new URL(stream.manifestUrl, target.url);
      const token = tokenOf(master)!;
      expect(master.pathname).toBe(`/hls/${token}/master.m3u8`);
      // The DASH manifest beside it, same token, as stored, and its relative segments reachable.
      const mpd = new URL(stream.dashUrl!, target.url);
      expect(mpd.pathname).toBe(`/hls/${token}/${DASH_MANIFEST}`);
      const mpdResponse = await fetch(mpd);
      expect([mpdResponse.status, mpdResponse.headers.get("content-type"), mpdResponse.headers.get("cache-control")]).toEqual([200, "application/dash+xml", "no-cache"]);
      expect(await mpdResponse.text()).toBe(RELATIVE_FILES[DASH_MANIFEST]);
      expect(await (await fetch(new URL("v0/seg_00001.m4s", mpd))).text()).toBe(RELATIVE_FILES["v0/seg_00001.m4s"]);
      expect(await (await fetch(master)).text()).toBe(RELATIVE_FILES["master.m3u8"]);
      const media = new URL("v0/index.m3u8", master);
      expect(await (await fetch(media)).text()).toBe(RELATIVE_FILES["v0/index.m3u8"]);
      for (const file of ["init.mp4", "seg_00000.m4s", "seg_00001.m4s"]) expect(await (await fetch(new URL(file, media))).text()).toBe(RELATIVE_FILES[`v0/${file}`]);
      const gone = await fetch(withToken(new URL("seg_00000.m4s", media), tamper(token)));
      expect([gone.status, gone.headers.get("cache-control")]).toEqual([403, "no-store"]);
      expect((await api(`/api/videos/${id}`, { method: "DELETE" })).status).toBe(204);
    });

    it("adds a sidecar SubRip to a video, serves it in the composed master behind the token, and deletes it with the video", async () => {
      const created = await api("/api/videos", { method: "POST", body: JSON.stringify({ title: "Subtitled", storageKey: "pkg3" }) });
      const { id } = (await created.json()) as { id: string };
      const subtitles = (body: BodyInit, query = "language=fr&label=Fran%C3%A7ais", token = alice) =>
        api(`/api/videos/${id}/subtitles?${query}`, { method: "POST", body, headers: { "Content-Type": "application/x-subrip" } }, token);
      expect((await subtitles("1\n00:00:01,000 --> 00:00:02,000\nhi\n", undefined, bob)).status).toBe(404);
      const oversize = await subtitles("x".repeat(2 * 1024 * 1024 + 1));
      expect([oversize.status, ((await oversize.json()) as { error: { message: string } }).error.message]).toEqual([413, expect.stringContaining("2097152-byte limit")]);
      const binary = await subtitles(new Uint8Array([0x50, 0x47, 0, 0, 0, 0, 0x16, 0]));
      expect([binary.status, ((await binary.json()) as { error: { code: string } }).error.code]).toEqual([415, "unsupported_subtitles"]);
      const bad = await subtitles("1\n00:00:01,000 --> 00:00:0x,000\nhi\n");
      expect([bad.status, ((await bad.json()) as { error: { message: string } }).error.message]).toEqual([422, expect.stringContaining("line 2")]);
      const added = await subtitles("\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\nBonjour\r\n");
      expect(added.status).toBe(201);
      const track = (await added.json()) as { id: string };
      const master = new URL(((await (await api(`/api/videos/${id}/stream`)).json()) as { manifestUrl: string }).manifestUrl, target.url);
      expect(master.pathname).toBe(`/hls/${tokenOf(master)}/master-sidecars.m3u8`);
      const masterText = await (await fetch(master)).text();
      expect(masterText).toContain(`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="fr",NAME="Français",AUTOSELECT=YES,DEFAULT=NO,URI="sidecar-${track.id}/index.m3u8"`);
      expect(masterText).toContain('RESOLUTION=640x360,SUBTITLES="subs"\nv0/index.m3u8');
      const playlist = new URL(`sidecar-${track.id}/index.m3u8`, master);
      expect(await (await fetch(playlist)).text()).toContain("#EXTINF:4.000,\nsubtitles.vtt\n");
      const vtt = await fetch(new URL("subtitles.vtt", playlist));
      expect([vtt.status, await vtt.text()]).toEqual([200, "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n1\n00:00:01.000 --> 00:00:02.500\nBonjour\n"]);
      expect((await fetch(withToken(new URL("subtitles.vtt", playlist), tamper(tokenOf(master)!)))).status).toBe(403);
      const list = (await (await api(`/api/videos/${id}/subtitles`)).json()) as { tracks: { id: string }[] };
      expect(list.tracks.map((t) => t.id)).toEqual([track.id]);
      expect(await target.read(sidecarSubtitleKey(id, track.id))).not.toBeNull();
      expect((await api(`/api/videos/${id}`, { method: "DELETE" })).status).toBe(204);
      expect(await target.read(sidecarSubtitleKey(id, track.id))).toBeNull();
    });

    it("answers Range requests with 206 and past-the-end ones with 416", async () => {
      const segment = new URL("v0/seg_00000.m4s", await manifestUrl()).href.replace(/\?.*/, "") + new URL(await manifestUrl()).search;
      const part = await fetch(segment, { headers: { Range: "bytes=8-11" } });
      expect(part.status).toBe(206);
      expect(part.headers.get("content-range")).toBe("bytes 8-11/23");
      expect(await part.text()).toBe("ZERO");
      expect((await fetch(segment, { headers: { Range: "bytes=100-" } })).status).toBe(416);
    });

    it("answers 403 for a tampered token or a climbing path and 410 for an expired token, no-store with CORS", async () => {
      const master = await manifestUrl();
      const token = new URL(master).searchParams.get("sig")!;
      const segment = new URL(`v0/seg_00000.m4s?sig=${token}`, master);
      const origin = { Origin: "https://site.example" };
      const forbidden = await fetch(withToken(segment, tamper(token)), { headers: origin });
      expect([forbidden.status, forbidden.headers.get("cache-control"), forbidden.headers.get("access-control-allow-origin")]).toEqual([403, "no-store", "*"]);
      const { secrets, currentKid } = parseSigningKeys(TEST_SECRETS.SIGNING_KEYS);
      const expiredToken = await signStreamToken(await createKeyring(secrets, currentKid), { exp: Math.floor(Date.now() / 1000) - 600, vid: videoId, src: "pkg1" });
      const gone = await fetch(withToken(segment, expiredToken), { headers: origin });
      expect([gone.status, gone.headers.get("cache-control"), gone.headers.get("access-control-allow-origin")]).toEqual([410, "no-store", "*"]);
      expect((await fetch(`${target.url}/hls/${videoId}/v0/%2e%2e/%2e%2e/pkg1/meta.json?sig=${token}`)).status).toBe(403);
    });

    it("saves progress idempotently and records events sent the way sendBeacon sends them", async () => {
      expect((await api(`/api/videos/${videoId}/progress`, { method: "PUT", body: JSON.stringify({ positionSec: 30, clientTime: 2000 }) })).status).toBe(204);
      expect((await api(`/api/videos/${videoId}/progress`, { method: "PUT", body: JSON.stringify({ positionSec: 5, clientTime: 1000 }) })).status).toBe(204);
      expect(await (await api(`/api/videos/${videoId}/progress`)).json()).toMatchObject({ positionSec: 30 });
      const beacon = await fetch(`${target.url}/api/events?token=${alice}`, {
        method: "POST",
        headers: { "Content-Type": "text/plain;charset=UTF-8" },
        body: JSON.stringify({ events: [{ type: "play", videoId, at: Date.now() }] }),
      });
      expect(beacon.status).toBe(202);
      const { sessionId } = (await (await api(`/api/videos/${videoId}/stream`)).json()) as { sessionId: string };
      expect((await api(`/api/sessions/${sessionId}/heartbeat`, { method: "POST", body: JSON.stringify({ videoId }) })).status).toBe(204);
    });

    it("refuses a heartbeat for another viewer's playback session with 404", async () => {
      const { sessionId } = (await (await api(`/api/videos/${videoId}/stream`)).json()) as { sessionId: string };
      const stolen = await api(`/api/sessions/${sessionId}/heartbeat`, { method: "POST", body: JSON.stringify({ videoId }) }, bob);
      expect(stolen.status).toBe(404);
      expect(await stolen.json()).toMatchObject({ error: { code: "not_found" } });
    });

    it("answers 413 to an oversized chunked JSON body, before auth, with CORS and nosniff", async () => {
      // Chunked (a stream, no length), 12 KiB against the 8 KiB cap: small enough that the client
      // finishes writing before workerd, having answered, resets the connection. That the server
      // stops reading a longer body is counted byte by byte on Node in tests/security.
      const piece = new TextEncoder().encode(" ".repeat(4096));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ === 3) controller.close();
          else controller.enqueue(piece);
        },
      });
      const response = await fetch(`${target.url}/api/videos/${videoId}/progress`, {
        method: "PUT",
        headers: { "Content-Type": "application/json", Origin: "https://site.example" },
        body,
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ error: { code: "too_large" } });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    });

    it("answers bad input with a 400 that names the field", async () => {
      const response = await api(`/api/videos/${videoId}/progress`, { method: "PUT", body: JSON.stringify({ positionSec: "soon" }) });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_input", message: expect.stringMatching(/^positionSec: /) } });
    });

    it("reads back analytics aggregated by this runtime's database (window functions, JSON1)", async () => {
      const session = async () => ((await (await api(`/api/videos/${videoId}/stream`)).json()) as { sessionId: string }).sessionId;
      const events = (sessionId: string, list: [string, Record<string, unknown>][]) =>
        api("/api/events", { method: "POST", body: JSON.stringify({ events: list.map(([type, data]) => ({ type, videoId, sessionId, at: Date.now(), data })) }) });
      const heartbeat = (sessionId: string, positionSec: number) => api(`/api/sessions/${sessionId}/heartbeat`, { method: "POST", body: JSON.stringify({ videoId, positionSec }) });
      const first = await session();
      expect((await events(first, [["start", { ttffMs: 250 }], ["quality", { height: 360 }], ["stall", { position: 1 }], ["rebuffer", { ms: 300 }]])).status).toBe(202);
      expect((await heartbeat(first, 0)).status).toBe(204);
      // Heartbeats carry the server's time: 1 s of playback counts in full once at least 1.1 s passed.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await heartbeat(first, 1)).status).toBe(204);
      const second = await session();
      expect((await events(second, [["start", { ttffMs: 750 }], ["error", { details: "manifestLoadError", fatal: true }]])).status).toBe(202);
      expect((await heartbeat(second, 5.5)).status).toBe(204); // 5.5 of 6 s: complete

      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const window = `from=${day(-1)}&to=${day(1)}`;
      const read = await api(`/api/videos/${videoId}/analytics?${window}`);
      expect(read.status).toBe(200);
      const expected = {
        views: 2,
        uniqueViewers: 1,
        watchTimeSec: 1,
        completionRate: 0.5,
        ttffMs: { p50: 250, p95: 750 },
        rebufferCount: 1,
        rebufferRatio: 0.3,
        failures: { count: 1, reasons: [{ reason: "manifestLoadError", count: 1 }] },
        renditions: [{ height: 360, count: 1 }],
      };
      expect(((await read.json()) as { totals: unknown }).totals).toEqual(expected);
      expect(((await (await api(`/api/analytics?${window}`)).json()) as { totals: unknown }).totals).toEqual(expected);
      expect((await api(`/api/videos/${videoId}/analytics`, {}, bob)).status).toBe(404);
    });

    it("streams an upload to storage and reports the new video as generating", async () => {
      const upload = await api("/api/videos?title=Upload", { method: "POST", headers: { "Content-Type": "video/mp4" }, body: new Uint8Array(4096).fill(7) });
      expect(upload.status).toBe(201);
      const video = (await upload.json()) as { id: string; status: string };
      expect(video.status).toBe("pending");
      const stream = await api(`/api/videos/${video.id}/stream`);
      expect(stream.status).toBe(202);
      expect(await stream.json()).toMatchObject({ status: "generating", retryAfter: 2 });
    });

    it("takes a resumable (tus) upload in chunks that do not line up with storage parts, resumes it after a dropped connection, and makes a pending video of exactly its bytes", async () => {
      // 11 MiB in 4 MiB chunks: on R2 that is two 5 MiB multipart parts and a last one, each built across chunks.
      // The connection drops in the second chunk; the client asks the server's offset and resumes from it.
      const data = new Uint8Array(11 * 1024 * 1024).map((_, i) => (i * 31 + (i >> 12)) & 0xff);
      const proxy = await startCuttingProxy(target.url);
      proxy.cutAfter(6 * 1024 * 1024);
      const { uploadUrl, id, offsetAtResume } = await tusUpload({
        url: target.url,
        token: alice,
        data,
        chunkSize: 4 * 1024 * 1024,
        metadata: { title: "Resumable", filetype: "video/mp4" },
        proxy,
      }).finally(() => proxy.close());
      // Every chunk answered before the cut was kept (on R2, also the 5 MiB part the cut chunk completed).
      expect(offsetAtResume).toBeGreaterThanOrEqual(4 * 1024 * 1024);
      expect(offsetAtResume).toBeLessThan(6 * 1024 * 1024);
      expect(proxy.sent).toBeLessThan(2 * data.byteLength);
      expect(await (await api(`/api/videos/${id}`)).json()).toMatchObject({ id, title: "Resumable", status: "pending" });
      expect(Buffer.from((await target.read(`uploads/${id}/source`))!).equals(Buffer.from(data))).toBe(true);
      // Finished: nothing left to resume. And a length over MAX_UPLOAD_BYTES is refused at creation.
      expect((await fetch(uploadUrl, { method: "HEAD", headers: { Authorization: `Bearer ${alice}`, "Tus-Resumable": "1.0.0" } })).status).toBe(404);
      const overLimit = await api("/api/uploads/tus", { method: "POST", headers: { "Tus-Resumable": "1.0.0", "Upload-Length": String(2 ** 40) } });
      expect(overLimit.status).toBe(413);
    });

    it("reaches only the tus upload the path names: another viewer's id at the end of the query string reaches nothing of hers", async () => {
      const tus = (path: string, method: string, token: string, headers: Record<string, string> = {}, body?: string) =>
        api(path, { method, headers: { "Tus-Resumable": "1.0.0", ...headers }, ...(body ? { body } : {}) }, token);
      const chunk = (offset: number) => ({ "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" });
      const create = async (token: string) => {
        const created = await tus("/api/uploads/tus", "POST", token, { "Upload-Length": "10", "Upload-Metadata": `filetype ${btoa("video/mp4")}` });
        expect(created.status).toBe(201);
        return new URL(created.headers.get("Location")!).pathname;
      };
      const hers = await create(alice);
      expect((await tus(hers, "PATCH", alice, chunk(0), "alice")).status).toBe(204);
      const attack = `${await create(bob)}?x=/${hers.split("/").at(-1)}`;
      expect((await tus(attack, "HEAD", bob)).headers.get("Upload-Offset")).toBe("0"); // Bob's own
      expect((await tus(attack, "PATCH", bob, chunk(5), "bobby")).status).toBe(409);
      expect((await tus(attack, "DELETE", bob)).status).toBe(204); // ends Bob's own
      expect((await tus(hers, "HEAD", alice)).headers.get("Upload-Offset")).toBe("5");
      expect((await tus(hers, "DELETE", alice)).status).toBe(204);
    });

    it("deletes a video with its media", async () => {
      const master = await manifestUrl();
      expect((await api(`/api/videos/${videoId}`, { method: "DELETE" })).status).toBe(204);
      expect((await api(`/api/videos/${videoId}`)).status).toBe(404);
      expect((await fetch(master)).status).toBe(404);
    });
  });
}
