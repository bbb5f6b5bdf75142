// DASH over the signed path, with ffmpeg's own DASH client: a clip packaged by the real CLI into two
// video rungs (one copied, one encoded) and audio, the worker's Node entry on a libSQL file, and
// ffprobe reading every representation of the MPD from /stream's dashUrl over HTTP on loopback.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASH_MANIFEST, pathTokenOf } from "@edgestream/contracts";
import { generateTestPattern, sha256File } from "@edgestream/transcode-node";
import { insertVideo, signStreamToken } from "@edgestream/worker";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { parseMediaPlaylist } from "../helpers/media.ts";
import { runCommand } from "../helpers/run-command.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "transcode-node/src/cli.ts");
const SECONDS = 9;
const FPS = 25;
let dataDir: string;
let worker: RunningWorker;
let sha: string;
let viewerToken: string;

beforeAll(async () => {
  dataDir = await tempDataDir("dash");
  worker = await startNodeWorker({ ...TEST_SECRETS, DEMO_MODE: "1", EDGESTREAM_DATA_DIR: dataDir, PORT: "0" });
  const source = join(dataDir, "clip.mp4");
  await generateTestPattern(source, { seconds: SECONDS, width: 640, height: 360, fps: FPS });
  sha = await sha256File(source);
  await runCommand(process.execPath, ["--import", "tsx", CLI, source, "--out", join(worker.settings.storageDir, sha), "--ladder", "360,180", "--no-thumbnails"], ROOT);
  await insertVideo(worker.deps.db, { id: "dash1", ownerId: "demo:tester", title: "DASH", status: "ready", storagePrefix: sha, durationMs: SECONDS * 1000 });
  const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "tester" }) });
  viewerToken = ((await login.json()) as { token: string }).token;
});

afterAll(async () => {
  await worker?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function streamUrls(): Promise<{ manifestUrl: URL; dashUrl: URL }> {
  const response = await fetch(`${worker.url}/api/videos/dash1/stream`, { headers: { Authorization: `Bearer ${viewerToken}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { manifestUrl: string; dashUrl?: string };
  expect(body.dashUrl).toBeDefined();
  return { manifestUrl: new URL(body.manifestUrl, worker.url), dashUrl: new URL(body.dashUrl!, worker.url) };
}

interface ProbedStream {
  codec_type: string;
  height?: number;
  nb_read_packets: string;
}

async function ffprobeStreams(input: string, extra: string[]): Promise<ProbedStream[]> {
  const { stdout, stderr } = await runCommand("ffprobe", ["-v", "error", ...extra, "-show_entries", "stream=codec_type,height,nb_read_packets", "-of", "json", input], dataDir);
  expect(stderr).toBe("");
  return (JSON.parse(stdout) as { streams: ProbedStream[] }).streams;
}

/**
 * Every stream ffprobe finds at a URL or path, each read to its end on its own with its packets
 * counted (read all together, ffmpeg 5.1's DASH demuxer stops one packet short on one of them).
 */
async function countPackets(input: string): Promise<ProbedStream[]> {
  const streams = await ffprobeStreams(input, []);
  return Promise.all(streams.map(async (_s, i) => (await ffprobeStreams(input, ["-count_packets", "-select_streams", String(i)]))[0]!));
}

/** A concat input of one stored rendition's init and segments, in playlist order. */
async function renditionOnDisk(name: string): Promise<string> {
  const folder = join(worker.settings.storageDir, sha, name);
  const playlist = await readFile(join(folder, "index.m3u8"), "utf8");
  const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist)![1]!;
  return `concat:${[init, ...parseMediaPlaylist(playlist).map((s) => s.uri)].map((f) => join(folder, f)).join("|")}`;
}

describe("DASH through the signed path", () => {
  it("hands out the MPD beside the master, with the same token in the path", async () => {
    const { manifestUrl, dashUrl } = await streamUrls();
    expect(dashUrl.pathname.endsWith(`/${DASH_MANIFEST}`)).toBe(true);
    expect(pathTokenOf(dashUrl.pathname)).toBe(pathTokenOf(manifestUrl.pathname));
    const mpd = await fetch(dashUrl);
    expect(mpd.status).toBe(200);
    expect(mpd.headers.get("content-type")).toBe("application/dash+xml");
    expect(mpd.headers.get("cache-control")).toBe("no-cache");
  });

  it("is read by ffmpeg's DASH demuxer: every representation, every packet, through signed URLs only", async () => {
    const { dashUrl } = await streamUrls();
    const overHttp = await countPackets(dashUrl.href);
    // What each rendition holds on disk: its init and segments read as one stream.
    const onDisk = await Promise.all(["360p", "180p", "audio"].map(async (name) => (await countPackets(await renditionOnDisk(name)))[0]!));
    const table = (streams: ProbedStream[]) => streams.map((s) => [s.codec_type, s.height ?? null, Number(s.nb_read_packets)]).sort();
    expect(table(overHttp)).toEqual(table(onDisk));
    expect(table(overHttp).filter(([type]) => type === "video").map(([, height]) => height)).toEqual([180, 360]);
    expect(Number(overHttp.find((s) => s.height === 360)!.nb_read_packets)).toBe(SECONDS * FPS); // the copied rung: every source frame
  });

  it("answers 410 for the MPD and its segments under an expired token, and ffprobe gives up", async () => {
    const expired = await signStreamToken(worker.deps.keyring, { exp: Math.floor(Date.now() / 1000) - 600, vid: "dash1", src: sha });
    const mpdUrl = new URL(`/hls/${expired}/${DASH_MANIFEST}`, worker.url);
    for (const url of [mpdUrl, new URL("360p/seg_00000.m4s", mpdUrl), new URL("audio/init_2.mp4", mpdUrl)]) {
      const response = await fetch(url, { headers: { Origin: "https://site.example" } });
      expect([url.pathname.split("/").slice(3).join("/"), response.status]).toEqual([url.pathname.split("/").slice(3).join("/"), 410]);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
    }
    await expect(countPackets(mpdUrl.href)).rejects.toThrow(/410|4XX/);
  });
});
