// A subtitle rendition as both writers serve it: the packager for a source's own subtitle streams
// (transcode-node/src/subtitles/) and the worker for a video's sidecar tracks (worker/src/subtitles/).
// One WebVTT file per track behind a VOD media playlist whose one segment is the whole file, and the
// header line that places the file's cues on the media timeline.
import { SUBTITLE_FILE } from "./package-layout.ts";

/**
 * The WebVTT header line mapping cue time 0 (LOCAL) to the 90 kHz presentation time of the main
 * rendition's first sample (MPEGTS): what hls.js and Safari subtract to place the cues.
 */
export function timestampMapLine(mpegts90k: number): string {
  return `X-TIMESTAMP-MAP=MPEGTS:${mpegts90k},LOCAL:00:00:00.000`;
}

/** A VOD media playlist of one segment, the track's WebVTT file, as long as the video (a target at least that). */
export function subtitleMediaPlaylist(durationSec: number): string {
  const duration = Math.max(durationSec, 0.001);
  return [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${Math.ceil(duration)}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    `#EXTINF:${duration.toFixed(3)},`,
    SUBTITLE_FILE,
    "#EXT-X-ENDLIST",
    "",
  ].join("\n");
}
