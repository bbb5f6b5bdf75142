// An MPEG-TS source with AAC audio (a broadcast recorder's or a screen grabber's file): its AAC travels
// as ADTS frames, which the fMP4 segments cannot hold as they are. Copied audio must be converted
// (aac_adtstoasc); without it ffmpeg stopped with "Malformed AAC bitstream detected".
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ffprobeJson } from "../../tests/helpers/media.ts";
import { packageVod } from "./package-vod.ts";

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-ts-aac-"));
  await run("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50", "-c:a", "aac", "-ac", "2", "-shortest", join(dir, "src.ts"),
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it.each(["fmp4", "ts"] as const)("packages an MPEG-TS source with AAC audio, the audio copied, into %s segments", async (segmentType) => {
  const result = await packageVod({ input: join(dir, "src.ts"), outDir: join(dir, `out-${segmentType}`), ladder: [180], segmentType, thumbnails: false });
  expect(result.plan.audio).toMatchObject({ mode: "copy" });
  const probed = await ffprobeJson(join(result.outDir, "master.m3u8"), ["-allowed_extensions", "ALL"]);
  expect(probed.streams.map((s: { codec_name: string }) => s.codec_name).sort()).toEqual(["aac", "h264"]);
  expect(Number(probed.format.duration)).toBeGreaterThan(5.5);
});
