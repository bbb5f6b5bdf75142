// Property tests: generated playlists (and garbage) through the rewriter. It never throws, signs
// every same-origin URI, changes no byte outside the URIs, and an independent parser (m3u8-parser)
// reads the same structure before and after.
import fc from "fast-check";
import { Parser } from "m3u8-parser";
import { describe, expect, it } from "vitest";
import { rewritePlaylist } from "./rewriter.ts";

const TOKEN = "t1.1900000000.vid.abc..MAC_-";
const opts = { param: "sig", value: TOKEN };
const INSERTIONS = [`?sig=${TOKEN}`, `&sig=${TOKEN}`, `sig=${TOKEN}`];

/** True when `output` is `input` with only whole token insertions added (nothing removed or changed). */
function onlyTokensAdded(input: string, output: string): boolean {
  let i = 0;
  let o = 0;
  while (o < output.length) {
    if (i < input.length && input[i] === output[o]) {
      i++;
      o++;
      continue;
    }
    const inserted = INSERTIONS.find((s) => output.startsWith(s, o));
    if (!inserted) return false;
    o += inserted.length;
  }
  return i === input.length;
}

const name = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
const relativeUri = fc.tuple(fc.constantFrom("", "v0/", "../audio/", "/hls/vid/"), name, fc.constantFrom(".m4s", ".ts", ".mp4", ".m3u8", ".aac"), fc.constantFrom("", "?a=1", "?x=y&z=1"), fc.constantFrom("", "#t=2"))
  .map((parts) => parts.join(""));
const foreignUri = fc.tuple(fc.constantFrom("https://cdn.example/", "//other.example/", "skd://", "data:text/plain,"), name).map(([a, b]) => a + b);
const eol = fc.constantFrom("\n", "\r\n", "\r");

type Line = { text: string; ours: string | null };
const uriLine: fc.Arbitrary<Line[]> = fc.tuple(fc.double({ min: 0.5, max: 10, noNaN: true }), relativeUri).map(([d, uri]) => [
  { text: `#EXTINF:${d.toFixed(3)},`, ours: null },
  { text: uri, ours: uri },
]);
const foreignLine: fc.Arbitrary<Line[]> = foreignUri.map((uri) => [{ text: "#EXTINF:4,", ours: null }, { text: uri, ours: null }]);
const attributeTag: fc.Arbitrary<Line[]> = fc
  .tuple(fc.constantFrom("EXT-X-MAP", "EXT-X-MEDIA", "EXT-X-KEY", "EXT-X-PART", "EXT-X-PRELOAD-HINT", "EXT-X-RENDITION-REPORT", "EXT-X-I-FRAME-STREAM-INF", "EXT-X-SESSION-KEY"), relativeUri, fc.boolean())
  .map(([tag, uri, before]) => [{ text: before ? `#${tag}:TYPE=AUDIO,NAME="a, b=c",URI="${uri}"` : `#${tag}:URI="${uri}",BANDWIDTH=1`, ours: uri }]);
const notUriAttribute: fc.Arbitrary<Line[]> = fc
  .tuple(fc.constantFrom('#EXT-X-CONTENT-STEERING:SERVER-URI="', '#EXT-X-DATERANGE:ID="x",X-ASSET-URI="', '#EXT-X-UNKNOWN:URI="'), relativeUri)
  .map(([head, uri]) => [{ text: `${head}${uri}"`, ours: null }]);
// A URI-carrying tag whose other attributes end in URI too: only the one named exactly URI is signed.
const lookAlikeAttribute: fc.Arbitrary<Line[]> = fc
  .tuple(fc.constantFrom("X-ASSET-URI", "SERVER-URI", "X-URI"), relativeUri, relativeUri)
  .map(([attr, decoy, uri]) => [{ text: `#EXT-X-MEDIA:TYPE=AUDIO,${attr}="${decoy}",URI="${uri}"`, ours: uri }]);

/** What a signed URI must look like, written independently of the rewriter. */
function expectedSigned(uri: string): string {
  const [beforeHash, ...hash] = uri.split("#");
  const joiner = beforeHash!.includes("?") ? "&" : "?";
  return `${beforeHash}${joiner}sig=${TOKEN}${hash.length ? `#${hash.join("#")}` : ""}`;
}

/**
 * A tag line with the value of its attribute named exactly `URI` signed. The attribute list is
 * walked name by name (quoted values may hold commas), so `X-ASSET-URI="same"` before it is not hit.
 */
function expectedSignedTag(line: string): string {
  const colon = line.indexOf(":");
  const attributes = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  return line.slice(0, colon + 1) + line.slice(colon + 1).replace(attributes, (whole, attr: string, value: string) =>
    attr === "URI" ? `URI="${expectedSigned(value.slice(1, -1))}"` : whole,
  );
}
const noise: fc.Arbitrary<Line[]> = fc.constantFrom("# a comment", "", "   ", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:10", '#EXT-X-KEY:METHOD=NONE', "#EXT-X-DEFINE:NAME=\"base\",VALUE=\"v0\"").map((text) => [{ text, ours: null }]);

const playlist = fc.tuple(fc.boolean(), eol, fc.array(fc.oneof(uriLine, foreignLine, attributeTag, notUriAttribute, lookAlikeAttribute, noise), { maxLength: 40 })).map(([bom, newline, groups]) => {
  const lines = [{ text: "#EXTM3U", ours: null }, ...groups.flat()];
  return { text: (bom ? "\uFEFF" : "") + lines.map((l) => l.text).join(newline) + newline, lines, newline };
});

// Once in tens of thousands of runs the generator made this: the decoy equals the URI.
const lookAlikeLine = '#EXT-X-MEDIA:TYPE=AUDIO,X-ASSET-URI="a.m4s",URI="a.m4s"';
const lookAlikeCounterexample = {
  text: `#EXTM3U\n${lookAlikeLine}\n`,
  lines: [{ text: "#EXTM3U", ours: null }, { text: lookAlikeLine, ours: "a.m4s" }],
  newline: "\n",
};

describe("rewritePlaylist properties", () => {
  it("changes no byte outside the URIs it signs", () => {
    fc.assert(
      fc.property(playlist, ({ text }) => {
        expect(onlyTokensAdded(text, rewritePlaylist(text, opts))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("signs every same-origin URI and nothing else", () => {
    fc.assert(
      fc.property(playlist, ({ text, lines, newline }) => {
        const out = rewritePlaylist(text, opts).replace(/^\uFEFF/, "").split(newline);
        lines.forEach((line, i) => {
          const signed = out[i]!;
          if (line.ours === null) expect(signed).toBe(line.text);
          else if (line.text.startsWith("#")) expect(signed).toBe(expectedSignedTag(line.text));
          else expect(signed).toBe(expectedSigned(line.ours));
        });
      }),
      { numRuns: 400, examples: [[lookAlikeCounterexample]] },
    );
  });

  it("signs only URI when a look-alike attribute before it holds the same value (a found counterexample)", () => {
    const signedLine = `#EXT-X-MEDIA:TYPE=AUDIO,X-ASSET-URI="a.m4s",URI="a.m4s?sig=${TOKEN}"`;
    expect(rewritePlaylist(lookAlikeCounterexample.text, opts)).toBe(`#EXTM3U\n${signedLine}\n`);
    expect(expectedSignedTag(lookAlikeLine)).toBe(signedLine);
  });

  it("never throws on arbitrary text, and still changes nothing but appended tokens", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("#", "E", "X", "T", "-", ":", "U", "R", "I", "=", '"', ",", "\n", "\r", " ", "a", "/", "?", "&", "\uFEFF") , maxLength: 200 }), (text) => {
        expect(onlyTokensAdded(text, rewritePlaylist(text, opts))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("leaves the structure m3u8-parser reads unchanged (same segments, durations, maps, variants)", () => {
    const parse = (text: string) => {
      const parser = new Parser();
      parser.push(text);
      parser.end();
      const m = parser.manifest;
      const strip = (uri?: string) => uri?.replace(`?sig=${TOKEN}`, "").replace(`&sig=${TOKEN}`, "");
      return {
        segments: (m.segments ?? []).map((s) => ({ uri: strip(s.uri), duration: s.duration, map: strip(s.map?.uri) })),
        playlists: (m.playlists ?? []).map((p) => ({ uri: strip(p.uri), bandwidth: p.attributes["BANDWIDTH"] })),
      };
    };
    const media = fc.array(fc.tuple(fc.double({ min: 0.5, max: 10, noNaN: true }), relativeUri), { minLength: 1, maxLength: 30 }).map((segments) =>
      ["#EXTM3U", "#EXT-X-TARGETDURATION:10", '#EXT-X-MAP:URI="init.mp4"', ...segments.flatMap(([d, u]) => [`#EXTINF:${d.toFixed(3)},`, u]), "#EXT-X-ENDLIST", ""].join("\n"),
    );
    const master = fc.array(fc.tuple(fc.integer({ min: 1, max: 9_000_000 }), relativeUri), { minLength: 1, maxLength: 8 }).map((variants) =>
      ["#EXTM3U", ...variants.flatMap(([b, u]) => [`#EXT-X-STREAM-INF:BANDWIDTH=${b}`, u]), ""].join("\n"),
    );
    fc.assert(
      fc.property(fc.oneof(media, master), (text) => {
        const before = parse(text);
        const after = parse(rewritePlaylist(text, opts));
        expect(after).toEqual(before);
        expect(before.segments.length + before.playlists.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
