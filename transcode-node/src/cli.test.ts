// The operator's entry point, run as a real process.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAYLIST_MESSAGE } from "./input-policy.ts";
import { generateTestPattern } from "./test-pattern.ts";
import { hostileSource } from "./testing/hostile.ts";
import { multiTrackMkv } from "../../tests/helpers/track-media.ts";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));
let dir: string;

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-cli-"));
  await generateTestPattern(join(dir, "in.mp4"), { seconds: 2, width: 160, height: 90 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("edgestream-transcode", () => {
  it("packages a file and exits 0 with <dir>/master.m3u8", async () => {
    const result = await runCli([join(dir, "in.mp4"), "--out", join(dir, "out")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^packaged .*in\.mp4 → .*out\/master\.m3u8 \[video 90p copy; copy audio\] in [\d.]+ s\n$/);
    const master = await readFile(join(dir, "out", "master.m3u8"), "utf8");
    expect(master).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,CODECS="avc1\.\w{6},mp4a\.40\.2",RESOLUTION=160x90,FRAME-RATE=30\.000,AUDIO="audio"\n90p\/index\.m3u8/);
    const meta = JSON.parse(await readFile(join(dir, "out", "meta.json"), "utf8"));
    expect(meta.thumbnails.sprites).toEqual(["thumbnails/sprite-001.jpg"]);
  });

  it("packages every audio language and the text subtitles, and warns on stderr about the image subtitles it skips", async () => {
    const source = await multiTrackMkv(dir);
    const result = await runCli([source, "--out", join(dir, "tracks-out"), "--ladder", "180"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("edgestream-transcode: warning: skipped: image-based subtitles in stream 5 (language fr, codec hdmv_pgs_subtitle): pictures cannot become WebVTT text\n");
    expect(result.stdout).toMatch(/\[video 180p copy; copy audio; 3 audio renditions; 2 subtitle tracks\] in [\d.]+ s\n$/);
  });

  it("prints JSON lines with --json: plan, progress, done", async () => {
    const result = await runCli([join(dir, "in.mp4"), "--out", join(dir, "json-out"), "--json"]);
    expect(result.code).toBe(0);
    const events = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(events[0].type).toBe("plan");
    expect(events.some((e) => e.type === "progress")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "done", masterPlaylist: join(dir, "json-out", "master.m3u8") });
  });

  it("--hwaccel nvenc without a GPU: warns on stderr, encodes in software, exits 0; --segment-type ts", async () => {
    const out = join(dir, "nvenc-out");
    const result = await runCli([join(dir, "in.mp4"), "--out", out, "--hwaccel", "nvenc", "--segment-type", "ts", "--ladder", "90,60"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^edgestream-transcode: warning: HWACCEL=nvenc: h264_nvenc does not work on this machine \(.+\); encoding in software\n$/);
    expect(result.stdout).toMatch(/\[video 90p copy, 60p transcode; copy audio\] with libx264 in/);
    const playlist = await readFile(join(out, "60p", "index.m3u8"), "utf8");
    expect(playlist).toMatch(/seg_00000\.ts/);
  });

  it("exits 2 for a bad --hwaccel or --segment-type", async () => {
    expect((await runCli([join(dir, "in.mp4"), "--out", join(dir, "x"), "--hwaccel", "cuda"])).stderr).toMatch(/--hwaccel must be one of auto, nvenc, qsv, vaapi, videotoolbox, software/);
    expect((await runCli([join(dir, "in.mp4"), "--out", join(dir, "x"), "--segment-type", "dash"])).code).toBe(2);
  });

  it("exits 1 with a one-line error for input that is not media", async () => {
    await writeFile(join(dir, "notes.txt"), "hello");
    const result = await runCli([join(dir, "notes.txt"), "--out", join(dir, "never")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^edgestream-transcode: error: not a media file ffmpeg can read \(.+\): .*notes\.txt\n$/);
    expect(result.stdout).toBe("");
  });

  it("refuses a playlist input unless the operator passes --allow-playlist-input", async () => {
    // MPEG-4 Part 2: transcoded (ffmpeg 5.1 cannot stream-copy H.264 out of an HLS input whose segment is an MP4).
    await generateTestPattern(join(dir, "part2.mkv"), { seconds: 2, width: 160, height: 90, videoArgs: ["-c:v", "mpeg4"] });
    await writeFile(join(dir, "list.m3u8"), hostileSource("hls", join(dir, "part2.mkv")));
    const refused = await runCli([join(dir, "list.m3u8"), "--out", join(dir, "from-list")]);
    expect([refused.code, refused.stderr]).toEqual([1, `edgestream-transcode: error: ${PLAYLIST_MESSAGE}: ${join(dir, "list.m3u8")}\n`]);
    const trusted = await runCli([join(dir, "list.m3u8"), "--out", join(dir, "from-list"), "--allow-playlist-input", "--no-thumbnails"]);
    expect(trusted.code).toBe(0);
    expect(await readFile(join(dir, "from-list", "master.m3u8"), "utf8")).toMatch(/#EXT-X-STREAM-INF/);
  });

  it("exits 2 with usage for missing arguments", async () => {
    const result = await runCli([join(dir, "in.mp4")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/give one input file and --out <dir>\nusage: edgestream-transcode/);
  });
});
