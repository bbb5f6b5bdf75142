// The stderr → message picker on stderr captured from real ffmpeg 5.1 failures (testing/stderr/),
// and on a real ffmpeg run that exits 69 because most of its audio frames cannot be decoded.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FfmpegError } from "./errors.ts";
import { runFfmpeg } from "./ffmpeg-process.ts";
import { ffmpegFailureMessage, telltaleLines } from "./ffmpeg-stderr.ts";

const sample = (name: string) => readFile(new URL(`./testing/stderr/${name}`, import.meta.url), "utf8");

describe("telltaleLines", () => {
  it("names the encoder's refusal, not ffmpeg's closing line", async () => {
    const lines = telltaleLines(await sample("encoder-open-failed.txt"));
    expect(lines).toEqual([
      "[libx264] Error setting profile baseline.",
      "Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0 - maybe incorrect parameters such as bit_rate, rate, width or height",
    ]);
  });

  it("skips a collapsed repeat and prefers the line that names what is invalid", async () => {
    const stderr = `${await sample("decode-error-rate.txt")}Last message repeated 1 times\n`;
    expect(telltaleLines(stderr)).toEqual(["[eac3] invalid coupling range (12 >= 12)"]);
  });

  it("names a muxer's refusal of the stream (malformed AAC), not the write call that failed after it", async () => {
    expect(telltaleLines(await sample("malformed-aac.txt"))).toEqual([
      "[mp4] Malformed AAC bitstream detected: use the audio bitstream filter 'aac_adtstoasc' to fix it ('-bsf:a aac_adtstoasc' option with ffmpeg)",
    ]);
  });

  it("keeps one line per kind of error, the last of each", () => {
    const stderr = "[aac @ 0x5581] channel element 1.0 is not allocated\nError while decoding stream #0:1: Invalid data found when processing input\n[aac @ 0x5581] channel element 3.0 is not allocated\nError while decoding stream #0:1: Invalid data found when processing input\n";
    expect(telltaleLines(stderr)).toEqual(["Error while decoding stream #0:1: Invalid data found when processing input"]);
    expect(telltaleLines("[h264 @ 0x1] error while decoding MB 3 4\n[h264 @ 0x1] error while decoding MB 9 1\n[h264 @ 0x1] concealing 20 errors\n")).toEqual(["[h264] error while decoding MB 9 1"]);
  });

  it("never shows a server path", () => {
    const stderr = "/srv/edgestream/uploads/abc/source.mxf: Invalid data found when processing input\nConversion failed!\n";
    expect(telltaleLines(stderr)).toEqual(["source.mxf: Invalid data found when processing input"]);
  });

  it("falls back to the last line that is not noise", () => {
    expect(telltaleLines("something odd happened\nLast message repeated 3 times\n\n")).toEqual(["something odd happened"]);
    expect(telltaleLines("")).toEqual([]);
  });

  it("leads with what exit code 69 means", async () => {
    expect(ffmpegFailureMessage("exited with code 69", await sample("decode-error-rate.txt"), 69)).toBe(
      "ffmpeg exited with code 69: too many frames could not be decoded (the source is damaged or its codec is not fully supported): [eac3] invalid coupling range (12 >= 12)",
    );
  });
});

describe("runFfmpeg's failure message", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "edgestream-stderr-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("says why a real run that exits 69 failed, without the input's folder", async () => {
    const clean = join(dir, "tone.ac3");
    await promisify(execFile)("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "2", "-c:a", "ac3", clean]);
    // Every 7th byte after the first frame replaced (fixed seed): the frames still sync, most fail to decode.
    const bytes = await readFile(clean);
    let x = 0x2545f491;
    for (let i = 200; i < bytes.length; i += 7) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    const damaged = join(dir, "damaged.ac3");
    await writeFile(damaged, bytes);
    const error = await runFfmpeg(["-hide_banner", "-nostats", "-loglevel", "error", "-max_error_rate", "0", "-i", damaged, "-f", "null", "-"]).done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegError);
    const message = (error as FfmpegError).message;
    expect((error as FfmpegError).exitCode).toBe(69);
    expect(message).toMatch(/^ffmpeg exited with code 69: too many frames could not be decoded .*: \[e?ac3\] \S/);
    expect(message).not.toMatch(/Last message repeated|0x[0-9a-f]{6}/);
    expect(message).not.toContain(dir);
  }, 60_000);
});
