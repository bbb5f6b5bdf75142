import { describe, expect, it } from "vitest";
import { demuxerFor, inputArgs, InputRefusedError, PLAYLIST_MESSAGE, refusedDemuxer } from "./input-policy.ts";

describe("input policy", () => {
  it("guards every input with the demuxer and protocol allow-lists, and names the probed demuxer", () => {
    const args = inputArgs("mov");
    expect(args.slice(0, 2)).toEqual(["-protocol_whitelist", "file"]);
    expect(args[2]).toBe("-format_whitelist");
    expect(args[3]!.split(",")).toEqual(expect.arrayContaining(["mov", "matroska", "webm", "mpegts", "flv", "ogg", "wav", "mp3", "aac", "flac", "avi"]));
    for (const indirect of ["hls", "dash", "concat", "image2", "sdp", "imf"]) expect(args[3]!.split(",")).not.toContain(indirect);
    expect(args.slice(4)).toEqual(["-f", "mov"]);
    expect(inputArgs(undefined, { protocols: ["concat", "file"] }).slice(0, 2)).toEqual(["-protocol_whitelist", "concat,file"]);
    expect(inputArgs("hls", { trusted: true })).toEqual(["-f", "hls"]);
  });

  it("turns ffprobe's format_name into the demuxer for -f, and refuses playlists and unknown formats by kind", () => {
    expect(demuxerFor("mov,mp4,m4a,3gp,3g2,mj2")).toBe("mov");
    expect(demuxerFor("matroska,webm")).toBe("matroska");
    expect(demuxerFor("mxf")).toBe("mxf");
    expect(() => demuxerFor("hls")).toThrow(PLAYLIST_MESSAGE);
    expect(() => demuxerFor("concat")).toThrow(InputRefusedError);
    expect(() => demuxerFor("gif")).toThrow(/format \(gif\) is not a video format we accept/);
    expect(demuxerFor("hls", true)).toBe("hls");
  });

  it("reads the refused demuxer from ffmpeg's complaint", () => {
    expect(refusedDemuxer("[dash @ 0x5637e47422c0] Format not on whitelist 'mov,mp4'\nx: Invalid argument")).toBe("dash");
    expect(refusedDemuxer("x: Invalid data found when processing input")).toBeUndefined();
  });
});
