import { describe, expect, it } from "vitest";
import { rewriteThumbnailTrack } from "./vtt-rewriter.ts";

describe("rewriteThumbnailTrack", () => {
  it("signs cue payload URIs, keeping the media fragment, and nothing else", () => {
    const input = "WEBVTT\n\nNOTE made by edgestream\n\n1\n00:00:00.000 --> 00:00:04.000\nsprite_0.jpg#xywh=0,0,160,90\n\n00:00:04.000 --> 00:00:08.000\nsprite_0.jpg#xywh=160,0,160,90\n";
    expect(rewriteThumbnailTrack(input, { param: "sig", value: "T" })).toBe(
      "WEBVTT\n\nNOTE made by edgestream\n\n1\n00:00:00.000 --> 00:00:04.000\nsprite_0.jpg?sig=T#xywh=0,0,160,90\n\n00:00:04.000 --> 00:00:08.000\nsprite_0.jpg?sig=T#xywh=160,0,160,90\n",
    );
  });

  it("keeps CRLF line ends and leaves other origins alone", () => {
    const input = "WEBVTT\r\n\r\n00:00.000 --> 00:04.000\r\nhttps://cdn.example/s.jpg#xywh=0,0,1,1\r\n";
    expect(rewriteThumbnailTrack(input, { param: "sig", value: "T" })).toBe(input);
  });
});
