// A zoo of small sources generated with ffmpeg for the tests (no committed media): every kind of
// input an operator will meet, a few seconds each and at most 640x360.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const ZOO = {
  /** H.264 8-bit 4:2:0 + AAC, 2 s GOP: copied as it is. */
  h264: "h264-aac.mp4",
  /** 640x360 H.264/AAC: the top rung is copied, lower rungs are encoded. */
  ladder: "ladder-640x360.mp4",
  /** HEVC Main 10 tagged PQ/BT.2020 (HDR10) with 5.1 E-AC-3. */
  hevcHdr: "hevc10-hdr-eac3.mp4",
  /** VP9 + Opus in WebM. */
  vp9: "vp9-opus.webm",
  /** MPEG-4 Part 2 at 161x91, no audio. */
  oddNoAudio: "odd-161x91-silent.mkv",
  /** H.264 320x180 with a 90° display matrix (a phone held upright). */
  rotated: "rotated.mp4",
  /** Frames 1/30 s apart for one second, then 1/15 s apart. */
  vfr: "vfr.mp4",
  /** H.264 High 4:4:4. */
  yuv444: "h264-444.mp4",
  /** Camera: H.264 High 4:2:2 10-bit + AAC. */
  h264422p10: "h264-422p10.mov",
  /** Camera: H.264 High 4:2:2 8-bit + AAC. */
  h264422: "h264-422.mp4",
  /** Editor: ProRes 422 Proxy (prores_ks, 10-bit 4:2:2) + PCM s24le in MOV. */
  prores: "prores-pcm24.mov",
  /** Editor: DNxHR LB + PCM s16le in MOV. */
  dnxhrMov: "dnxhr-pcm16.mov",
  /** Broadcast: DNxHR LB + PCM s16le in MXF (OP1a). */
  dnxhrMxf: "dnxhr-pcm16.mxf",
  /** Broadcast: interlaced MPEG-2 (25i, top field first) + AC-3 in MPEG-TS. */
  interlaced: "mpeg2-25i-ac3.ts",
  /** AV1 (SVT-AV1) + AAC in MP4. */
  av1: "av1-aac.mp4",
  /** AAC-LC 44.1 kHz only. */
  audioOnly: "audio-only.m4a",
  empty: "empty.mp4",
  truncated: "truncated.mp4",
  random: "random.mp4",
  text: "notes.txt",
} as const;

const L = ["-hide_banner", "-loglevel", "error", "-y"];
const video = (size: string, rate = 25) => ["-f", "lavfi", "-i", `testsrc2=size=${size}:rate=${rate}`];
const tone = ["-f", "lavfi", "-i", "sine=frequency=440:beep_factor=4:sample_rate=48000"];
/** DNxHR LB takes any picture size (DNxHD only a few broadcast ones). */
const dnxhr = ["-c:v", "dnxhd", "-profile:v", "dnxhr_lb", "-pix_fmt", "yuv422p"];
const x264 = (gop: number) => ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0"];

async function ffmpeg(args: string[]): Promise<void> {
  await run("ffmpeg", [...L, ...args]);
}

/** Generates every clip of the zoo (or only `names`) into `dir`; returns absolute paths by key. */
export async function generateZoo(dir: string, names: (keyof typeof ZOO)[] = Object.keys(ZOO) as (keyof typeof ZOO)[]): Promise<Record<keyof typeof ZOO, string>> {
  const path = (key: keyof typeof ZOO) => join(dir, ZOO[key]);
  const makers: Record<keyof typeof ZOO, () => Promise<void>> = {
    h264: () => ffmpeg([...video("320x180"), ...tone, "-t", "6", ...x264(50), "-c:a", "aac", "-b:a", "64k", "-shortest", path("h264")]),
    ladder: () => ffmpeg([...video("640x360"), ...tone, "-t", "6", ...x264(50), "-b:v", "1500k", "-c:a", "aac", "-b:a", "64k", "-shortest", path("ladder")]),
    hevcHdr: () =>
      ffmpeg([
        ...video("320x180"), ...tone, "-t", "3", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error",
        "-pix_fmt", "yuv420p10le", "-color_trc", "smpte2084", "-color_primaries", "bt2020", "-colorspace", "bt2020nc", "-tag:v", "hvc1",
        "-c:a", "eac3", "-ac", "6", "-shortest", path("hevcHdr"),
      ]),
    vp9: () => ffmpeg([...video("320x180"), ...tone, "-t", "3", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus", "-shortest", path("vp9")]),
    oddNoAudio: () => ffmpeg([...video("320x180"), "-t", "2", "-vf", "scale=161:91", "-c:v", "mpeg4", "-q:v", "5", path("oddNoAudio")]),
    rotated: async () => {
      const upright = join(dir, "rotated-source.mp4");
      await ffmpeg([...video("320x180", 30), ...tone, "-t", "3", ...x264(60), "-c:a", "aac", "-shortest", upright]);
      // ffmpeg 5.1 has no -display_rotation; a stream copy with the rotate tag writes the display matrix.
      await ffmpeg(["-i", upright, "-c", "copy", "-metadata:s:v:0", "rotate=90", path("rotated")]);
    },
    vfr: () =>
      ffmpeg([
        ...video("320x180", 30), "-t", "3", "-vf", "setpts='if(lt(N,30),N/30,1+(N-30)/15)/TB'", "-fps_mode", "passthrough",
        ...x264(30), path("vfr"),
      ]),
    yuv444: () => ffmpeg([...video("320x180"), "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", path("yuv444")]),
    h264422p10: () => ffmpeg([...video("320x180"), ...tone, "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv422p10le", "-c:a", "aac", "-shortest", path("h264422p10")]),
    h264422: () => ffmpeg([...video("320x180"), ...tone, "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv422p", "-c:a", "aac", "-shortest", path("h264422")]),
    prores: () => ffmpeg([...video("320x180"), ...tone, "-t", "2", "-c:v", "prores_ks", "-profile:v", "proxy", "-c:a", "pcm_s24le", "-shortest", path("prores")]),
    dnxhrMov: () => ffmpeg([...video("320x180"), ...tone, "-t", "2", ...dnxhr, "-c:a", "pcm_s16le", "-shortest", path("dnxhrMov")]),
    dnxhrMxf: () => ffmpeg([...video("320x180"), ...tone, "-t", "2", ...dnxhr, "-c:a", "pcm_s16le", "-shortest", path("dnxhrMxf")]),
    // 50 progressive frames a second woven into 25 interlaced ones (top field first), coded as fields.
    interlaced: () =>
      ffmpeg([
        ...video("320x180", 50), ...tone, "-t", "2", "-vf", "interlace=scan=tff", "-c:v", "mpeg2video", "-b:v", "2M",
        "-flags", "+ilme+ildct", "-top", "1", "-field_order", "tt", "-c:a", "ac3", "-shortest", path("interlaced"),
      ]),
    // Debian's ffmpeg 5.1 encodes AV1 with libsvtav1 (also libaom-av1, librav1e) and decodes it with libdav1d.
    av1: () => ffmpeg([...video("320x180"), ...tone, "-t", "2", "-c:v", "libsvtav1", "-preset", "12", "-svtav1-params", "verbosity=0", "-c:a", "aac", "-shortest", path("av1")]),
    audioOnly: () => ffmpeg(["-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100", "-t", "5", "-c:a", "aac", "-b:a", "96k", path("audioOnly")]),
    empty: () => writeFile(path("empty"), ""),
    truncated: async () => {
      const whole = join(dir, "whole.mp4");
      await ffmpeg([...video("320x180"), "-t", "2", ...x264(50), whole]);
      const bytes = await readFile(whole);
      await writeFile(path("truncated"), bytes.subarray(0, Math.floor(bytes.length / 3)));
    },
    random: () => writeFile(path("random"), noise(64 * 1024)),
    text: () => writeFile(path("text"), "Meeting notes\nnothing to see here\n"),
  };
  await Promise.all(names.map((name) => makers[name]()));
  return Object.fromEntries((Object.keys(ZOO) as (keyof typeof ZOO)[]).map((k) => [k, path(k)])) as Record<keyof typeof ZOO, string>;
}

/**
 * The same 64 KiB of noise every run (xorshift32, fixed seed): truly random bytes now and then look
 * like a weak text format to ffprobe's detection (seen: lrc), which makes a test's outcome a dice roll.
 */
function noise(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
