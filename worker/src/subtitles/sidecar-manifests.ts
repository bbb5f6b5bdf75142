// The playlists and MPD a video with sidecar subtitles is served with, as pure functions of the
// package's stored manifests and the video's tracks: each sidecar joins the subtitle group
// (SUBTITLE_GROUP, shared with the package's in-source tracks) under `sidecar-<id>/`, whose media
// playlist is generated (contracts' subtitleMediaPlaylist, as for in-source tracks).
import { MEDIA_PLAYLIST, SUBTITLE_FILE, SUBTITLE_GROUP, sidecarRenditionName } from "@edgestream/contracts";

export interface SidecarTrack {
  id: string;
  language: string;
  label: string;
}

const STREAM_INF = "#EXT-X-STREAM-INF:";

/** The master playlist with one EXT-X-MEDIA line per sidecar and every variant in the subtitle group. */
export function withSidecarSubtitles(master: string, tracks: readonly SidecarTrack[]): string {
  if (tracks.length === 0) return master;
  const lines = master.replace(/\r\n?/g, "\n").split("\n");
  const media = tracks.map(
    (t) =>
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${SUBTITLE_GROUP}",LANGUAGE="${t.language}",NAME="${t.label}",AUTOSELECT=YES,DEFAULT=NO,URI="${sidecarRenditionName(t.id)}/${MEDIA_PLAYLIST}"`,
  );
  const out = lines.map((line) => {
    if (!line.startsWith(STREAM_INF) || /(^|,)SUBTITLES=/.test(line.slice(STREAM_INF.length))) return line;
    return `${line},SUBTITLES="${SUBTITLE_GROUP}"`;
  });
  // After the package's own renditions (so in-source tracks stay first), else before the first variant.
  const lastMedia = out.findLastIndex((line) => line.startsWith("#EXT-X-MEDIA:"));
  const at = lastMedia >= 0 ? lastMedia + 1 : Math.max(out.findIndex((line) => line.startsWith(STREAM_INF)), 1);
  out.splice(at, 0, ...media);
  return out.join("\n");
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The MPD with one text AdaptationSet per sidecar before its (only) Period ends; BaseURL relative. */
export function withSidecarAdaptationSets(mpd: string, tracks: readonly SidecarTrack[]): string {
  const end = mpd.lastIndexOf("</Period>");
  if (tracks.length === 0 || end < 0) return mpd;
  const sets = tracks.map((t) => {
    const name = sidecarRenditionName(t.id);
    return [
      `<AdaptationSet contentType="text" mimeType="text/vtt" lang="${xmlEscape(t.language)}">`,
      `<Label>${xmlEscape(t.label)}</Label>`,
      `<Role schemeIdUri="urn:mpeg:dash:role:2011" value="subtitle"/>`,
      `<Representation id="${xmlEscape(name)}" bandwidth="256">`,
      `<BaseURL>${xmlEscape(`${name}/${SUBTITLE_FILE}`)}</BaseURL>`,
      `</Representation>`,
      `</AdaptationSet>`,
    ].join("");
  });
  return `${mpd.slice(0, end)}${sets.join("\n")}\n${mpd.slice(end)}`;
}
