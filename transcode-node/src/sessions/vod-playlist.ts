// Pure: a session's playlists, written up front from the duration with fixed segment lengths, so a
// player sees the whole timeline at once and can seek anywhere before a single segment exists.
import { INIT_SEGMENT, MEDIA_PLAYLIST, segmentName } from "@edgestream/contracts";

/** A remainder this short joins the last segment: containers often run a few frames past the video. */
const TAIL_SECONDS = 0.1;

export function segmentCount(durationSec: number, segmentSeconds: number): number {
  return Math.max(1, Math.ceil((durationSec - TAIL_SECONDS) / segmentSeconds));
}

export function segmentDuration(index: number, durationSec: number, segmentSeconds: number): number {
  const last = segmentCount(durationSec, segmentSeconds) - 1;
  return index < last ? segmentSeconds : durationSec - last * segmentSeconds;
}

export function buildSessionMediaPlaylist(durationSec: number, segmentSeconds: number): string {
  const count = segmentCount(durationSec, segmentSeconds);
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    `#EXT-X-TARGETDURATION:${segmentSeconds}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    `#EXT-X-MAP:URI="${INIT_SEGMENT}"`,
  ];
  for (let i = 0; i < count; i++) lines.push(`#EXTINF:${segmentDuration(i, durationSec, segmentSeconds).toFixed(6)},`, segmentName(i));
  lines.push("#EXT-X-ENDLIST", "");
  return lines.join("\n");
}

/** The CODECS of a session's rendition: H.264 High 4.0, with AAC-LC when the source has audio. */
export function sessionCodecs(hasAudio: boolean): string {
  return hasAudio ? "avc1.640028,mp4a.40.2" : "avc1.640028";
}

/** `codecs`: a copy-mode session's, from its source; an encoding session's are sessionCodecs(). */
export function buildSessionMasterPlaylist(rendition: string, bandwidth: number, width: number, height: number, hasAudio: boolean, codecs = sessionCodecs(hasAudio)): string {
  return `#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},RESOLUTION=${width}x${height},CODECS="${codecs}"\n${rendition}/${MEDIA_PLAYLIST}\n`;
}
