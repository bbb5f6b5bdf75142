// Hostile "media" for the tests, made small and on the spot: text files that ffmpeg would detect as a
// playlist or manifest and follow to other files on the machine (`file://` URLs of a real clip), or
// to the network (an SDP session description: ffmpeg would listen for RTP on a local port).
import { pathToFileURL } from "node:url";

export type HostileKind = "hls" | "dash" | "ffconcat" | "sdp";

/** The bytes of an upload of `kind` that names `target` (an absolute path of real media on this machine). */
export function hostileSource(kind: HostileKind, target: string, durationSec = 2): string {
  const url = pathToFileURL(target).href;
  switch (kind) {
    case "hls":
      return ["#EXTM3U", "#EXT-X-VERSION:3", `#EXT-X-TARGETDURATION:${Math.ceil(durationSec)}`, `#EXTINF:${durationSec},`, url, "#EXT-X-ENDLIST", ""].join("\n");
    case "dash":
      return [
        '<?xml version="1.0" encoding="utf-8"?>',
        `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT${durationSec}S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">`,
        "<Period><AdaptationSet mimeType=\"video/mp4\">",
        `<Representation id="0" bandwidth="100000" codecs="avc1.42c00d" width="160" height="90"><BaseURL>${url}</BaseURL></Representation>`,
        "</AdaptationSet></Period></MPD>",
        "",
      ].join("\n");
    case "ffconcat":
      return ["ffconcat version 1.0", `file '${target}'`, `file '${url}'`, ""].join("\n");
    case "sdp": // names no file: it opens the network instead
      return ["v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=upload", "c=IN IP4 127.0.0.1", "t=0 0", "m=video 5004 RTP/AVP 96", "a=rtpmap:96 H264/90000", ""].join("\n");
  }
}

export const HOSTILE_KINDS: readonly HostileKind[] = ["hls", "dash", "ffconcat", "sdp"];
