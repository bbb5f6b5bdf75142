// Subtitle files as owners send them: SubRip and WebVTT converted, everything else refused by name.
import { describe, expect, it } from "vitest";
import { HttpError } from "../errors.ts";
import { convertSubtitles } from "./subtitle-file.ts";
import { VTT_TIMESTAMP_MAP } from "./vtt-writer.ts";

const encode = (text: string) => new TextEncoder().encode(text);

async function refusal(bytes: Uint8Array): Promise<{ status: number; code: string; message: string }> {
  const error = await convertSubtitles(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return { status: error.status, code: error.code, message: error.message };
}

describe("convertSubtitles", () => {
  it("converts SubRip (CRLF, BOM, <font>, box coordinates) to WebVTT with the timestamp map", async () => {
    const srt = "\uFEFF1\r\n00:00:01,000 --> 00:00:02,500 X1:10 X2:100 Y1:10 Y2:50\r\n<font color=\"red\">Hello</font> <i>world</i>\r\n\r\n2\r\n00:01:03,040 --> 01:00:04,000\r\nSecond\r\nline\r\n";
    const out = await convertSubtitles(encode(srt));
    expect(out.format).toBe("srt");
    expect(out.cues).toBe(2);
    expect(out.vtt).toBe(`WEBVTT\n${VTT_TIMESTAMP_MAP}\n\n1\n00:00:01.000 --> 00:00:02.500\nHello <i>world</i>\n\n2\n00:01:03.040 --> 01:00:04.000\nSecond\nline\n`);
  });

  it("re-writes WebVTT clean: cue settings kept, NOTE, STYLE and REGION blocks dropped", async () => {
    const vtt = "WEBVTT - a title\n\nSTYLE\n::cue { color: red }\n\nNOTE a comment\n\nREGION\nid:r1\n\nintro\n00:01.000 --> 00:02.000 align:start region:r1 line:10% bogus:1 position:20%,line-left\nText --> arrow\n\n00:00:03.000 --> 00:00:04.000\nPlain\n";
    const out = await convertSubtitles(encode(vtt));
    expect(out.format).toBe("vtt");
    expect(out.vtt).toBe(`WEBVTT\n${VTT_TIMESTAMP_MAP}\n\nintro\n00:00:01.000 --> 00:00:02.000 align:start line:10% position:20%,line-left\nText --&gt; arrow\n\n00:00:03.000 --> 00:00:04.000\nPlain\n`);
  });

  it("refuses binary, non-UTF-8, ASS and empty files with 415", async () => {
    const pgs = new Uint8Array([0x50, 0x47, 0x00, 0x00, 0x00, 0x00, 0x16, 0x00]); // "PG" + a PGS segment header
    expect(await refusal(pgs)).toMatchObject({ status: 415, message: expect.stringContaining("binary") });
    expect(await refusal(new Uint8Array([0x31, 0x0a, 0xff, 0xfe, 0x0a]))).toMatchObject({ status: 415, message: expect.stringContaining("not UTF-8") });
    expect(await refusal(encode("[Script Info]\nTitle: x\n"))).toMatchObject({ status: 415, message: expect.stringContaining("ASS/SSA") });
    expect(await refusal(encode("\n\n"))).toMatchObject({ status: 415, message: expect.stringContaining("empty") });
    expect(await refusal(encode("<html><body>hi</body></html>"))).toMatchObject({ status: 415, code: "unsupported_subtitles" });
  });

  it("names the first line whose timestamp does not parse (422)", async () => {
    const srt = "1\n00:00:01,000 --> 00:00:02,500\nHello\n\n2\n00:00:0x,000 --> 00:00:04,000\nSecond\n";
    expect(await refusal(encode(srt))).toEqual({ status: 422, code: "invalid_subtitles", message: 'line 6: the cue start "00:00:0x,000" is not a timestamp' });
    expect(await refusal(encode("WEBVTT\n\n00:01.000 --> 00:0Z.000\nText\n"))).toMatchObject({ status: 422, message: 'line 3: the cue end "00:0Z.000" is not a timestamp' });
    // SubRip's comma is not WebVTT's dot, nor are minutes past 59.
    expect(await refusal(encode("WEBVTT\n\n00:01,000 --> 00:02.000\nText\n"))).toMatchObject({ status: 422, message: expect.stringMatching(/^line 3: the cue start/) });
    expect(await refusal(encode("1\n00:61:00,000 --> 00:62:00,000\nText\n"))).toMatchObject({ status: 422, message: expect.stringMatching(/^line 2: the cue start/) });
  });

  it("names a block that has text but no timing line (422)", async () => {
    const srt = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nno timing here\nstill none\n";
    expect(await refusal(encode(srt))).toMatchObject({ status: 422, message: 'line 6: expected a cue timing line ("start --> end"), found "no timing here"' });
  });

  it("names a cue that ends before it starts (422)", async () => {
    const srt = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:05,000 --> 00:00:02,500\nbackwards\n";
    expect(await refusal(encode(srt))).toEqual({ status: 422, code: "invalid_subtitles", message: "line 6: the cue ends (00:00:02,500) before it starts (00:00:05,000)" });
  });

  it("refuses a file with no cue text (422)", async () => {
    expect(await refusal(encode("WEBVTT\n\nNOTE only a note\n"))).toMatchObject({ status: 422, message: expect.stringContaining("no cues") });
  });
});
