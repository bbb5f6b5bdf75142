// A multi-language package through the worker's signed path: the master, every audio and subtitle
// playlist and each WebVTT file come back as stored (relative URIs keep the token in the path), the
// WebVTT files as text/vtt with their timestamp map and cues intact.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageVod, sha256File } from "@edgestream/transcode-node";
import { insertVideo } from "@edgestream/worker";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { multiTrackMkv } from "../helpers/track-media.ts";
import { demoSignIn } from "../helpers/viewer-api.ts";

let dataDir: string;
let worker: RunningWorker;
let sha: string;
let viewerToken: string;

beforeAll(async () => {
  dataDir = await tempDataDir("integration-tracks");
  worker = await startNodeWorker({ ...TEST_SECRETS, DEMO_MODE: "1", EDGESTREAM_DATA_DIR: dataDir, PORT: "0" });
  const source = await multiTrackMkv(dataDir);
  sha = await sha256File(source);
  await packageVod({ input: source, outDir: join(worker.settings.storageDir, sha), ladder: [180], hwaccel: "software", thumbnails: false });
  await insertVideo(worker.deps.db, { id: "tracks1", ownerId: "demo:tester", title: "Tracks", status: "ready", storagePrefix: sha, durationMs: 6000 });
  viewerToken = await demoSignIn(worker.url, "tester");
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("audio languages and subtitles through the worker", () => {
  it("serves the master, every audio and subtitle playlist and the WebVTT files as stored", async () => {
    const stream = await fetch(`${worker.url}/api/videos/tracks1/stream`, { headers: { Authorization: `Bearer ${viewerToken}` } });
    expect(stream.status).toBe(200);
    const master = new URL(((await stream.json()) as { manifestUrl: string }).manifestUrl, worker.url);
    const stored = (path: string) => readFile(join(worker.settings.storageDir, sha, path), "utf8");
    const masterText = await (await fetch(master)).text();
    expect(masterText).toBe(await stored("master.m3u8"));
    const media = [...masterText.matchAll(/^#EXT-X-MEDIA:TYPE=(AUDIO|SUBTITLES),.*URI="([^"]+)"$/gm)].map((m) => m[2]!);
    expect(media).toEqual(["audio/index.m3u8", "audio_1/index.m3u8", "audio_2/index.m3u8", "subs_0/index.m3u8", "subs_1/index.m3u8"]);
    for (const playlist of media) {
      const response = await fetch(new URL(playlist, master));
      expect([playlist, response.status]).toEqual([playlist, 200]);
      expect(await response.text()).toBe(await stored(playlist));
    }
    for (const track of ["subs_0", "subs_1"]) {
      const playlistUrl = new URL(`${track}/index.m3u8`, master);
      const vttUri = (await (await fetch(playlistUrl)).text()).split("\n").find((line) => line && !line.startsWith("#"))!;
      const response = await fetch(new URL(vttUri, playlistUrl));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
      const body = await response.text();
      expect(body).toBe(await stored(`${track}/subtitles.vtt`));
      expect(body).toMatch(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:00:00:00\.000\n\n/);
    }
  });
});
