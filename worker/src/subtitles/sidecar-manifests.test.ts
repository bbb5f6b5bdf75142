// The master, media playlist and MPD a video with sidecars is served with, from stored manifests.
import { describe, expect, it } from "vitest";
import { withSidecarAdaptationSets, withSidecarSubtitles } from "./sidecar-manifests.ts";

const fr = { id: "trk1", language: "fr", label: "Français" };
const de = { id: "trk2", language: "de", label: "Deutsch (SDH)" };

describe("withSidecarSubtitles", () => {
  it("adds one EXT-X-MEDIA line per track before the variants and puts every variant in the group", () => {
    const master = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2000000\n720p/index.m3u8\n";
    expect(withSidecarSubtitles(master, [fr, de])).toBe(
      [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="fr",NAME="Français",AUTOSELECT=YES,DEFAULT=NO,URI="sidecar-trk1/index.m3u8"',
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="de",NAME="Deutsch (SDH)",AUTOSELECT=YES,DEFAULT=NO,URI="sidecar-trk2/index.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,SUBTITLES="subs"',
        "360p/index.m3u8",
        '#EXT-X-STREAM-INF:BANDWIDTH=2000000,SUBTITLES="subs"',
        "720p/index.m3u8",
        "",
      ].join("\n"),
    );
  });

  it("joins the package's own subtitle group after its renditions, leaving variants that are in it", () => {
    const master = [
      "#EXTM3U",
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="English",URI="audio/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",URI="subs_0/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="audio",SUBTITLES="subs"',
      "720p/index.m3u8",
    ].join("\n");
    const lines = withSidecarSubtitles(master, [fr]).split("\n");
    expect(lines[3]).toBe('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="fr",NAME="Français",AUTOSELECT=YES,DEFAULT=NO,URI="sidecar-trk1/index.m3u8"');
    expect(lines[4]).toBe('#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="audio",SUBTITLES="subs"');
  });

  it("leaves a master unchanged when the video has no tracks", () => {
    const master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n";
    expect(withSidecarSubtitles(master, [])).toBe(master);
  });
});

describe("withSidecarAdaptationSets", () => {
  const mpd = '<?xml version="1.0"?>\n<MPD type="static"><Period id="0"><AdaptationSet contentType="video"/></Period></MPD>\n';

  it("adds a text/vtt AdaptationSet per track with a relative BaseURL before the Period ends", () => {
    const out = withSidecarAdaptationSets(mpd, [{ id: "trk1", language: "fr", label: "Fr & <co>" }]);
    expect(out).toBe(
      '<?xml version="1.0"?>\n<MPD type="static"><Period id="0"><AdaptationSet contentType="video"/>' +
        '<AdaptationSet contentType="text" mimeType="text/vtt" lang="fr"><Label>Fr &#38; &#60;co&#62;</Label>' +
        '<Role schemeIdUri="urn:mpeg:dash:role:2011" value="subtitle"/><Representation id="sidecar-trk1" bandwidth="256">' +
        "<BaseURL>sidecar-trk1/subtitles.vtt</BaseURL></Representation></AdaptationSet>\n</Period></MPD>\n",
    );
  });

  it("leaves an MPD unchanged without tracks", () => {
    expect(withSidecarAdaptationSets(mpd, [])).toBe(mpd);
  });
});
