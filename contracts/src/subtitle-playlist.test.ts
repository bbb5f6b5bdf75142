import { describe, expect, it } from "vitest";
import { subtitleMediaPlaylist, timestampMapLine } from "./subtitle-playlist.ts";

describe("a subtitle rendition's playlist", () => {
  it("writes a VOD playlist of one segment, the whole file, with a target at least its duration", () => {
    expect(subtitleMediaPlaylist(6.021)).toBe(
      "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:7\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:6.021,\nsubtitles.vtt\n#EXT-X-ENDLIST\n",
    );
    expect(subtitleMediaPlaylist(12.3456)).toBe(
      "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:13\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:12.346,\nsubtitles.vtt\n#EXT-X-ENDLIST\n",
    );
  });

  it("maps cue time 0 to the main rendition's first timestamp", () => {
    expect(timestampMapLine(126000)).toBe("X-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000");
  });
});
