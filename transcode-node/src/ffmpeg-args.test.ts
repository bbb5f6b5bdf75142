// Every backend's argument list, pinned exactly. There is no GPU on the test machine: these lists
// are what a GPU box runs, and the fallback test in hardware.test.ts runs the NVENC one for real.
import { describe, expect, it } from "vitest";
import { buildPackageArgs, canRunFullDevice } from "./ffmpeg-args.ts";
import { DEINTERLACE_FILTER } from "./ffmpeg-pieces.ts";
import { buildTestEncodeArgs } from "./hw-backends.ts";
import { inputArgs } from "./input-policy.ts";
import { planAudioTracks } from "./audio-tracks.ts";
import type { PackagePlan, VideoPlan } from "./plan.ts";
import { planSubtitles } from "./subtitles/subtitle-plan.ts";

/** Every input is guarded by the allow-lists (input-policy.ts); these tests pass no probed format. */
const GUARD = inputArgs();
const HEAD = ["-hide_banner", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1"];
const HLS = (map: string) => [
  "-max_muxing_queue_size", "4096",
  "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
  "-hls_fmp4_init_filename", "init.mp4", "-hls_flags", "independent_segments+temp_file",
  "-hls_segment_filename", "/out/%v/seg_%05d.m4s", "-var_stream_map", map, "/out/%v/index.m3u8",
];
const AAC_COPY = { mode: "copy", codecs: "mp4a.40.2", channels: 2 } as const;
const video = (over: Partial<VideoPlan> = {}): VideoPlan => ({
  displayWidth: 1920, displayHeight: 1080, rotation: 0, frameRate: "30", fps: 30, forceConstantRate: false, toneMap: null, highBitDepth: false,
  renditions: [
    { name: "1080p", mode: "copy", width: 1920, height: 1080, maxBitrateKbps: 0 },
    { name: "720p", mode: "transcode", width: 1280, height: 720, maxBitrateKbps: 2800 },
    { name: "360p", mode: "transcode", width: 640, height: 360, maxBitrateKbps: 800 },
  ],
  ...over,
});
const plan = (over: Partial<PackagePlan> = {}): PackagePlan => ({ video: video(), audio: AAC_COPY, segmentSeconds: 4, segmentType: "fmp4", ...over });
const LADDER_MAP = "v:0,agroup:audio,name:1080p v:1,agroup:audio,name:720p v:2,agroup:audio,name:360p a:0,agroup:audio,name:audio";
const MAPS = ["-map", "0:v:0", "-map", "[v0]", "-map", "[v1]", "-map", "0:a:0", "-c:v:0", "copy"];

describe("buildPackageArgs", () => {
  it("remuxes without re-encoding when everything is copied", () => {
    const p = plan({ video: video({ renditions: [{ name: "1080p", mode: "copy", width: 1920, height: 1080, maxBitrateKbps: 0 }] }) });
    expect(buildPackageArgs("/in.mp4", "/out", p, { backend: "nvenc" })).toEqual([
      ...HEAD, ...GUARD, "-i", "/in.mp4", "-map", "0:v:0", "-map", "0:a:0", "-c:v:0", "copy", "-c:a", "copy",
      ...HLS("v:0,agroup:audio,name:1080p a:0,agroup:audio,name:audio"),
    ]);
  });

  it("software: one decode split into the rungs, x264 keyframes forced on the grid, scene cuts off", () => {
    expect(buildPackageArgs("/in.mp4", "/out", plan())).toEqual([
      ...HEAD, ...GUARD, "-i", "/in.mp4",
      "-filter_complex", "[0:v:0]split=2[s0][s1];[s0]scale=1280:720:flags=bicubic,format=yuv420p[v0];[s1]scale=640:360:flags=bicubic,format=yuv420p[v1]",
      ...MAPS,
      "-c:v:1", "libx264", "-preset:v:1", "veryfast", "-profile:v:1", "high", "-crf:v:1", "21", "-maxrate:v:1", "2800k", "-bufsize:v:1", "5600k",
      "-force_key_frames:v:1", "expr:gte(t,n_forced*4)", "-sc_threshold:v:1", "0",
      "-c:v:2", "libx264", "-preset:v:2", "veryfast", "-profile:v:2", "high", "-crf:v:2", "21", "-maxrate:v:2", "800k", "-bufsize:v:2", "1600k",
      "-force_key_frames:v:2", "expr:gte(t,n_forced*4)", "-sc_threshold:v:2", "0",
      "-c:a", "copy",
      ...HLS(LADDER_MAP),
    ]);
  });

  it("nvenc: decode, scale and encode on the GPU, fixed GOP of one segment", () => {
    expect(buildPackageArgs("/in.mp4", "/out", plan(), { backend: "nvenc" })).toEqual([
      ...HEAD, "-hwaccel", "cuda", "-hwaccel_output_format", "cuda", ...GUARD, "-i", "/in.mp4",
      "-filter_complex", "[0:v:0]split=2[s0][s1];[s0]scale_cuda=w=1280:h=720:format=nv12[v0];[s1]scale_cuda=w=640:h=360:format=nv12[v1]",
      ...MAPS,
      "-c:v:1", "h264_nvenc", "-preset:v:1", "p4", "-profile:v:1", "high", "-rc:v:1", "vbr", "-b:v:1", "2100k", "-maxrate:v:1", "2800k", "-bufsize:v:1", "5600k",
      "-g:v:1", "120", "-keyint_min:v:1", "120", "-no-scenecut:v:1", "1", "-forced-idr:v:1", "1",
      "-c:v:2", "h264_nvenc", "-preset:v:2", "p4", "-profile:v:2", "high", "-rc:v:2", "vbr", "-b:v:2", "600k", "-maxrate:v:2", "800k", "-bufsize:v:2", "1600k",
      "-g:v:2", "120", "-keyint_min:v:2", "120", "-no-scenecut:v:2", "1", "-forced-idr:v:2", "1",
      "-c:a", "copy",
      ...HLS(LADDER_MAP),
    ]);
  });

  it("nvenc with an HDR source: decode and tone-map on the CPU, upload once, scale and encode on the GPU", () => {
    const p = plan({ video: video({ toneMap: { transfer: "pq", primaries: "bt2020", matrix: "bt2020nc" }, highBitDepth: true, renditions: [{ name: "720p", mode: "transcode", width: 1280, height: 720, maxBitrateKbps: 2800 }] }) });
    const args = buildPackageArgs("/in.mkv", "/out", p, { backend: "nvenc" }, { codec: "hevc", chroma: "420" });
    expect(args.slice(0, 12 + GUARD.length)).toEqual([...HEAD, "-init_hw_device", "cuda=cu", "-filter_hw_device", "cu", ...GUARD, "-i", "/in.mkv"].slice(0, 12 + GUARD.length));
    expect(args[args.indexOf("-filter_complex") + 1]).toBe(
      "[0:v:0]zscale=tin=smpte2084:min=bt2020nc:pin=bt2020:t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0," +
        "zscale=t=bt709:m=bt709:r=tv,format=yuv420p,format=nv12,hwupload,scale_cuda=w=1280:h=720:format=nv12[v0]",
    );
  });

  it("vaapi: device from VAAPI_DEVICE, scale_vaapi to nv12 (10-bit becomes 8-bit there), h264_vaapi", () => {
    const args = buildPackageArgs("/in.mp4", "/out", plan(), { backend: "vaapi", vaapiDevice: "/dev/dri/renderD129" });
    expect(args).toEqual([
      ...HEAD, "-init_hw_device", "vaapi=va:/dev/dri/renderD129", "-hwaccel", "vaapi", "-hwaccel_device", "va", "-hwaccel_output_format", "vaapi",
      "-filter_hw_device", "va", ...GUARD, "-i", "/in.mp4",
      "-filter_complex", "[0:v:0]split=2[s0][s1];[s0]scale_vaapi=w=1280:h=720:format=nv12[v0];[s1]scale_vaapi=w=640:h=360:format=nv12[v1]",
      ...MAPS,
      "-c:v:1", "h264_vaapi", "-profile:v:1", "high", "-b:v:1", "2100k", "-maxrate:v:1", "2800k", "-bufsize:v:1", "5600k", "-g:v:1", "120", "-keyint_min:v:1", "120",
      "-c:v:2", "h264_vaapi", "-profile:v:2", "high", "-b:v:2", "600k", "-maxrate:v:2", "800k", "-bufsize:v:2", "1600k", "-g:v:2", "120", "-keyint_min:v:2", "120",
      "-c:a", "copy",
      ...HLS(LADDER_MAP),
    ]);
  });

  it("qsv: derived from a VAAPI device, VAAPI decode and scale, mapped to QSV for h264_qsv", () => {
    const args = buildPackageArgs("/in.mp4", "/out", plan(), { backend: "qsv" });
    expect(args).toEqual([
      ...HEAD, "-init_hw_device", "vaapi=va:/dev/dri/renderD128", "-init_hw_device", "qsv=qs@va",
      "-hwaccel", "vaapi", "-hwaccel_device", "va", "-hwaccel_output_format", "vaapi", "-filter_hw_device", "va", ...GUARD, "-i", "/in.mp4",
      "-filter_complex",
      "[0:v:0]split=2[s0][s1];[s0]scale_vaapi=w=1280:h=720:format=nv12,hwmap=derive_device=qsv,format=qsv[v0];[s1]scale_vaapi=w=640:h=360:format=nv12,hwmap=derive_device=qsv,format=qsv[v1]",
      ...MAPS,
      "-c:v:1", "h264_qsv", "-preset:v:1", "medium", "-profile:v:1", "high", "-b:v:1", "2100k", "-maxrate:v:1", "2800k", "-bufsize:v:1", "5600k",
      "-g:v:1", "120", "-keyint_min:v:1", "120", "-idr_interval:v:1", "0",
      "-c:v:2", "h264_qsv", "-preset:v:2", "medium", "-profile:v:2", "high", "-b:v:2", "600k", "-maxrate:v:2", "800k", "-bufsize:v:2", "1600k",
      "-g:v:2", "120", "-keyint_min:v:2", "120", "-idr_interval:v:2", "0",
      "-c:a", "copy",
      ...HLS(LADDER_MAP),
    ]);
  });

  it("videotoolbox: hardware decode and encode, CPU scale (ffmpeg 5.1 has no scale_vt)", () => {
    const p = plan({ video: video({ renditions: [{ name: "720p", mode: "transcode", width: 1280, height: 720, maxBitrateKbps: 2800 }] }), audio: null });
    expect(buildPackageArgs("/in.mov", "/out", p, { backend: "videotoolbox" })).toEqual([
      ...HEAD, "-hwaccel", "videotoolbox", ...GUARD, "-i", "/in.mov",
      "-filter_complex", "[0:v:0]scale=1280:720:flags=bicubic,format=nv12[v0]",
      "-map", "[v0]",
      "-c:v:0", "h264_videotoolbox", "-profile:v:0", "high", "-b:v:0", "2100k", "-maxrate:v:0", "2800k", "-bufsize:v:0", "5600k",
      "-g:v:0", "120", "-keyint_min:v:0", "120", "-allow_sw:v:0", "0",
      ...HLS("v:0,name:720p"),
    ]);
  });

  it("VFR: an fps filter before the split; AAC stereo 48 kHz; MPEG-TS segments; audio only", () => {
    const p = plan({
      video: video({ forceConstantRate: true, frameRate: "30000/1001", renditions: [{ name: "360p", mode: "transcode", width: 640, height: 360, maxBitrateKbps: 800 }] }),
      audio: { mode: "transcode", codecs: "mp4a.40.2", bitrateKbps: 128, channels: 2, sampleRate: 48000, reason: "opus" },
      segmentType: "ts",
    });
    const args = buildPackageArgs("/in.webm", "/out", p);
    expect(args[args.indexOf("-filter_complex") + 1]).toBe("[0:v:0]fps=30000/1001,scale=640:360:flags=bicubic,format=yuv420p[v0]");
    expect(args.slice(args.indexOf("-c:a"), args.indexOf("-c:a") + 8)).toEqual(["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000"]);
    expect(args.slice(-9)).toEqual([
      "-hls_segment_type", "mpegts", "-hls_flags", "independent_segments+temp_file", "-hls_segment_filename", "/out/%v/seg_%05d.ts",
      "-var_stream_map", "v:0,agroup:audio,name:360p a:0,agroup:audio,name:audio", "/out/%v/index.m3u8",
    ]);
    const audioOnly = buildPackageArgs("/in.m4a", "/out", plan({ video: null }), { backend: "nvenc" });
    expect(audioOnly).toEqual([...HEAD, ...GUARD, "-i", "/in.m4a", "-map", "0:a:0", "-c:a", "copy", ...HLS("a:0,name:audio")]);
    expect(() => buildPackageArgs("/in.mp4", "/out", plan({ video: null, audio: null }))).toThrow(/nothing to package/);
  });

  it("every audio rendition in the one run, each with its own codec options; text subtitles as WebVTT outputs of that run", () => {
    const tracks = planAudioTracks([
      { index: 1, codec: "aac", profile: "LC", channels: 2, sampleRate: 48000, language: "eng" },
      { index: 2, codec: "ac3", channels: 6, sampleRate: 48000, language: "ger" },
    ]);
    const p = plan({ video: video({ renditions: [{ name: "1080p", mode: "copy", width: 1920, height: 1080, maxBitrateKbps: 0 }] }), audioTracks: tracks, subtitles: planSubtitles([{ index: 3, codec: "subrip", dispositions: { default: false, forced: false, hearingImpaired: false } }]).renditions });
    expect(buildPackageArgs("/in.mkv", "/out", p)).toEqual([
      ...HEAD, ...GUARD, "-i", "/in.mkv",
      "-map", "0:v:0", "-map", "0:1", "-map", "0:2", "-map", "0:2",
      "-c:v:0", "copy", "-c:a:0", "copy",
      "-c:a:1", "aac", "-b:a:1", "128k", "-ac:a:1", "2", "-ar:a:1", "48000",
      "-c:a:2", "aac", "-b:a:2", "384k", "-ac:a:2", "6", "-ar:a:2", "48000",
      ...HLS("v:0,agroup:audio,name:1080p a:0,agroup:audio,name:audio a:1,agroup:audio,name:audio_1 a:2,agroup:audio,name:audio_2"),
      "-map", "0:3", "-c:s", "webvtt", "-f", "webvtt", "/out/subs_0/subtitles.vtt",
    ]);
  });

  it("copies WebVTT subtitles as they are, so cue settings (line, align) survive; converts the rest", () => {
    const none = { default: false, forced: false, hearingImpaired: false };
    const subtitles = planSubtitles([{ index: 2, codec: "webvtt", dispositions: none }, { index: 3, codec: "ass", dispositions: none }]).renditions;
    const args = buildPackageArgs("/in.mkv", "/out", plan({ subtitles }));
    expect(args.slice(args.indexOf("/out/%v/index.m3u8") + 1)).toEqual([
      "-map", "0:2", "-c:s", "copy", "-f", "webvtt", "/out/subs_0/subtitles.vtt",
      "-map", "0:3", "-c:s", "webvtt", "-f", "webvtt", "/out/subs_1/subtitles.vtt",
    ]);
  });

  it("reads the source with the probed demuxer under the allow-lists, or without them for the operator's trusted input", () => {
    const args = buildPackageArgs("/in.mp4", "/out", plan(), {}, { codec: "h264", chroma: "420", format: "mov" });
    expect(args.slice(args.indexOf("-i") - 6, args.indexOf("-i") + 2)).toEqual([...inputArgs("mov"), "-i", "/in.mp4"]);
    expect(args.indexOf("-format_whitelist")).toBeLessThan(args.indexOf("-i"));
    const trusted = buildPackageArgs("/in.m3u8", "/out", plan(), {}, { codec: "h264", chroma: "420", format: "hls", trusted: true });
    expect(trusted).not.toContain("-format_whitelist");
    expect(trusted.slice(trusted.indexOf("-i") - 2, trusted.indexOf("-i") + 2)).toEqual(["-f", "hls", "-i", "/in.m3u8"]);
  });

  it("decodes exotic inputs on the CPU even with a device backend (rotation, 4:4:4)", () => {
    const rotated = buildPackageArgs("/in.mp4", "/out", plan({ video: video({ rotation: 90 }) }), { backend: "vaapi" });
    expect(rotated).not.toContain("-hwaccel");
    expect(rotated[rotated.indexOf("-filter_complex") + 1]).toMatch(/^\[0:v:0\]format=nv12,hwupload,split=2/);
    const full444 = buildPackageArgs("/in.mp4", "/out", plan(), { backend: "nvenc" }, { codec: "h264", chroma: "444" });
    expect(full444.slice(7, 11)).toEqual(["-init_hw_device", "cuda=cu", "-filter_hw_device", "cu"]);
  });
});

describe("canRunFullDevice", () => {
  it("keeps on the device only what device decoders take: 8-bit 4:2:0 H.264/HEVC/VP9/AV1/MPEG-2, progressive, SDR, upright", () => {
    expect(canRunFullDevice(video(), "h264", "420")).toBe(true);
    expect(canRunFullDevice(video({ highBitDepth: true }), "hevc", "420")).toBe(true);
    expect(canRunFullDevice(video(), "av1", "420")).toBe(true);
    expect(canRunFullDevice(video(), "mpeg2video", "420")).toBe(true);
  });

  it.each([
    ["H.264 High 4:2:2 10-bit", video({ highBitDepth: true }), "h264", "422"],
    ["H.264 High 4:2:2 8-bit", video(), "h264", "422"],
    ["H.264 High 10 4:2:0", video({ highBitDepth: true }), "h264", "420"],
    ["ProRes", video({ highBitDepth: true }), "prores", "422"],
    ["DNxHR", video(), "dnxhd", "422"],
    ["interlaced MPEG-2", video({ deinterlace: true }), "mpeg2video", "420"],
    ["interlaced H.264", video({ deinterlace: true }), "h264", "420"],
  ] as const)("decodes %s on the CPU and uploads once", (_label, v, codec, chroma) => {
    expect(canRunFullDevice(v, codec, chroma)).toBe(false);
    const args = buildPackageArgs("/in.mxf", "/out", plan({ video: v }), { backend: "vaapi" }, { codec, chroma });
    expect(args).not.toContain("-hwaccel");
    expect(args[args.indexOf("-filter_complex") + 1]).toMatch(/hwupload/);
  });

  it("deinterlaces first, before the rate filter, the split and the upload", () => {
    const args = buildPackageArgs("/in.ts", "/out", plan({ video: video({ deinterlace: true, forceConstantRate: true }) }), { backend: "vaapi" }, { codec: "mpeg2video", chroma: "420" });
    expect(args[args.indexOf("-filter_complex") + 1]).toMatch(new RegExp(`^\\[0:v:0\\]${DEINTERLACE_FILTER},fps=30,[^;]*hwupload[^;]*,split=2`));
  });
});

describe("buildTestEncodeArgs", () => {
  it("encodes one real frame through each backend's device path", () => {
    const src = ["-f", "lavfi", "-i", "testsrc2=size=256x144:rate=25", "-frames:v", "1"];
    const head = ["-hide_banner", "-nostdin", "-loglevel", "error"];
    expect(buildTestEncodeArgs("nvenc")).toEqual([...head, "-init_hw_device", "cuda=cu", "-filter_hw_device", "cu", ...src, "-vf", "format=nv12,hwupload", "-c:v", "h264_nvenc", "-f", "null", "-"]);
    expect(buildTestEncodeArgs("vaapi", { vaapiDevice: "/dev/dri/renderD129" })).toEqual([
      ...head, "-init_hw_device", "vaapi=va:/dev/dri/renderD129", "-filter_hw_device", "va", ...src, "-vf", "format=nv12,hwupload", "-c:v", "h264_vaapi", "-f", "null", "-",
    ]);
    expect(buildTestEncodeArgs("qsv")).toEqual([
      ...head, "-init_hw_device", "vaapi=va:/dev/dri/renderD128", "-init_hw_device", "qsv=qs@va", "-filter_hw_device", "va", ...src,
      "-vf", "format=nv12,hwupload,hwmap=derive_device=qsv,format=qsv", "-c:v", "h264_qsv", "-f", "null", "-",
    ]);
    expect(buildTestEncodeArgs("videotoolbox")).toEqual([...head, ...src, "-vf", "format=nv12", "-c:v", "h264_videotoolbox", "-allow_sw", "0", "-f", "null", "-"]);
  });
});
