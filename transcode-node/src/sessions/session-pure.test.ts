// The pure parts of on-demand sessions: encoder arguments and the up-front VOD playlist.
import { describe, expect, it } from "vitest";
import { inputArgs } from "../input-policy.ts";
import { buildCopySessionArgs, buildSessionArgs } from "./session-args.ts";
import { buildSessionMediaPlaylist, segmentCount, segmentDuration } from "./vod-playlist.ts";
import { SessionRegistry, type SessionSettings } from "./session-registry.ts";

const base = { inputFormat: "matroska", input: "/in.mkv", outDir: "/work/s1", segmentSeconds: 4, width: 640, height: 360, fps: 25, maxBitrateKbps: 800, hasAudio: true };
const HLS = (start: number) => [
  "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "event", "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4",
  "-hls_flags", "independent_segments+temp_file", "-hls_segment_options", "movflags=+frag_discont", "-start_number", String(start), "-hls_segment_filename", "/work/s1/seg_%05d.m4s", "/work/s1/encoder.m3u8",
];
const X264 = ["-c:v:0", "libx264", "-preset:v:0", "veryfast", "-profile:v:0", "high", "-crf:v:0", "21", "-maxrate:v:0", "800k", "-bufsize:v:0", "1600k", "-force_key_frames:v:0", "expr:gte(t,n_forced*4)", "-sc_threshold:v:0", "0"];
const AAC = ["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000"];
const HEAD = ["-hide_banner", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1"];

describe("buildSessionArgs", () => {
  it("starts a cold session at segment 0 without seeking", () => {
    expect(buildSessionArgs({ ...base, startSegment: 0 })).toEqual([
      ...HEAD, ...inputArgs("matroska"), "-i", "/in.mkv", "-copyts", "-avoid_negative_ts", "disabled", "-map", "0:v:0", "-map", "0:a:0",
      "-vf", "fps=25,scale=640:360:flags=bicubic,format=yuv420p", ...X264, ...AAC, ...HLS(0),
    ]);
  });

  it("restarts at a segment: seeks to its start on the grid, keeps source timestamps, numbers from it, stops before stored work", () => {
    expect(buildSessionArgs({ ...base, startSegment: 12, endSegment: 15, hasAudio: false })).toEqual([
      ...HEAD, "-ss", "48", ...inputArgs("matroska"), "-i", "/in.mkv", "-copyts", "-avoid_negative_ts", "disabled", "-t", "12", "-map", "0:v:0",
      "-vf", "fps=25,scale=640:360:flags=bicubic,format=yuv420p", ...X264, ...HLS(12),
    ]);
  });

  it("carries the source's default audio stream, which need not be the file's first", () => {
    const args = buildSessionArgs({ ...base, startSegment: 0, audioStream: 2 });
    expect(args.slice(args.indexOf("-map"), args.indexOf("-map") + 4)).toEqual(["-map", "0:v:0", "-map", "0:2"]);
    const copy = buildCopySessionArgs({ input: "/in.mkv", outDir: "/work/s1", segmentSeconds: 4, hasAudio: true, audioStream: 2, copyAudio: true });
    expect(copy.slice(copy.indexOf("-map"), copy.indexOf("-map") + 6)).toEqual(["-map", "0:v:0", "-map", "0:2", "-c:v", "copy"]);
  });

  it("converts copied AAC from an MPEG-TS source (ADTS) for its fMP4 segments, and only then", () => {
    const spec = { input: "/in.ts", outDir: "/work/s1", segmentSeconds: 4, hasAudio: true, copyAudio: true };
    const ts = buildCopySessionArgs({ ...spec, inputFormat: "mpegts" });
    expect(ts.slice(ts.indexOf("-c:a"), ts.indexOf("-c:a") + 4)).toEqual(["-c:a", "copy", "-bsf:a", "aac_adtstoasc"]);
    expect(buildCopySessionArgs({ ...spec, inputFormat: "mov,mp4,m4a,3gp,3g2,mj2" })).not.toContain("aac_adtstoasc");
  });

  it("uses the hardware encoder's fixed GOP of one segment on NVENC (exact args; no GPU here)", () => {
    const args = buildSessionArgs({ ...base, startSegment: 0, backend: "nvenc" });
    expect(args).toContain("h264_nvenc");
    expect(args.slice(args.indexOf("-g:v:0"), args.indexOf("-g:v:0") + 4)).toEqual(["-g:v:0", "100", "-keyint_min:v:0", "100"]);
    expect(args.slice(args.indexOf("-vf"), args.indexOf("-vf") + 2)).toEqual(["-vf", "format=nv12,hwupload,scale_cuda=w=640:h=360:format=nv12"]);
  });

  it("tone-maps an HDR source with the job's filter chain, before the upload on a hardware encoder", () => {
    const video = { toneMap: { transfer: "pq" as const, primaries: "bt2020", matrix: "bt2020nc" }, forceConstantRate: false, frameRate: "25" };
    const TONE_MAP = "zscale=tin=smpte2084:min=bt2020nc:pin=bt2020:t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p";
    const vf = (args: string[]) => args[args.indexOf("-vf") + 1];
    expect(vf(buildSessionArgs({ ...base, startSegment: 0, video }))).toBe(`fps=25,${TONE_MAP},scale=640:360:flags=bicubic,format=yuv420p`);
    expect(vf(buildSessionArgs({ ...base, startSegment: 0, video, backend: "nvenc" }))).toBe(`${TONE_MAP},format=nv12,hwupload,scale_cuda=w=640:h=360:format=nv12`);
  });
});

describe("session playlists", () => {
  it("lists every segment of the whole duration up front, the last one shorter", () => {
    expect(segmentCount(10, 4)).toBe(3);
    expect(segmentCount(8, 4)).toBe(2);
    expect(segmentCount(8.05, 4)).toBe(2); // a 50 ms tail joins the last segment
    expect(segmentDuration(2, 10, 4)).toBe(2);
    const playlist = buildSessionMediaPlaylist(10, 4);
    expect(playlist).toBe(
      "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n" +
        '#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.000000,\nseg_00000.m4s\n#EXTINF:4.000000,\nseg_00001.m4s\n#EXTINF:2.000000,\nseg_00002.m4s\n#EXT-X-ENDLIST\n',
    );
  });
});

describe("SessionRegistry timing", () => {
  it("checks leases often enough to stop a session within 25 % of the inactivity timeout", async () => {
    const settings = { inactivityMs: 120_000, maxSessions: 1, segmentSeconds: 4, profileHeight: 360, workRoot: "/tmp", probeTimeoutMs: 1000, waitMs: 1, aheadSegments: 1, restartDistance: 1, stopGraceMs: 1 } satisfies SessionSettings;
    const registry = new SessionRegistry(settings, {} as never);
    expect(registry.checkEveryMs).toBe(24_000);
    expect(registry.checkEveryMs).toBeLessThanOrEqual(settings.inactivityMs * 0.25);
    await registry.closeAll();
  });
});
