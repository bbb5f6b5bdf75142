// Pure: the source's subtitle streams → WebVTT renditions (text codecs) and warnings for the ones left
// out (image-based or unknown codecs), never a silent drop. Output order defines subtitleRenditionName.
import { subtitleRenditionName, type TrackRole } from "@edgestream/contracts";
import type { SubtitleStreamInfo } from "../media-info.ts";
import { languageTag, trackName, uniqueNames } from "../track-names.ts";

export interface SubtitlePlan {
  /** Folder name: `subs_0`, `subs_1`… */
  name: string;
  sourceIndex: number;
  /** The source codec; "webvtt" is copied, the others converted by ffmpeg's webvtt encoder. */
  codec: string;
  language?: string;
  title: string;
  default: boolean;
  forced: boolean;
  role?: TrackRole;
}

/** Text codecs ffmpeg 5.1 turns into WebVTT cues. */
const TEXT_CODECS = new Set(["mov_text", "subrip", "srt", "webvtt", "ass", "ssa", "text"]);
const IMAGE_CODECS = new Set(["hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub"]);

/** Subtitle renditions one package carries: each is an EXT-X-MEDIA line, an ffmpeg output and a folder; a source's extra streams are skipped with a warning. */
export const MAX_SUBTITLE_RENDITIONS = 32;

export function planSubtitles(streams: readonly SubtitleStreamInfo[]): { renditions: SubtitlePlan[]; skipped: string[] } {
  const skipped: string[] = [];
  const drafts: Omit<SubtitlePlan, "name">[] = [];
  for (const s of streams) {
    const language = languageTag(s.language);
    if (!TEXT_CODECS.has(s.codec)) {
      const [what, why] = IMAGE_CODECS.has(s.codec) ? ["image-based subtitles", "pictures cannot become WebVTT text"] : ["subtitles", "a codec this packager does not convert"];
      skipped.push(`skipped: ${what} in stream ${s.index} (language ${language ?? "und"}, codec ${s.codec}): ${why}`);
      continue;
    }
    if (drafts.length >= MAX_SUBTITLE_RENDITIONS) {
      skipped.push(`skipped: subtitles in stream ${s.index} (language ${language ?? "und"}, codec ${s.codec}): a package carries at most ${MAX_SUBTITLE_RENDITIONS} subtitle tracks`);
      continue;
    }
    const role: TrackRole | undefined = s.dispositions.hearingImpaired ? "hearing-impaired" : undefined;
    const title = trackName({ ...(s.title ? { title: s.title } : {}), ...(language ? { language } : {}), ...(role ? { role } : {}), ...(s.dispositions.forced && !s.title ? { detail: " (forced)" } : {}) }, `Subtitles ${drafts.length + 1}`);
    drafts.push({ sourceIndex: s.index, codec: s.codec, ...(language ? { language } : {}), title, default: s.dispositions.default, forced: s.dispositions.forced, ...(role ? { role } : {}) });
  }
  const titles = uniqueNames(drafts.map((d) => d.title));
  // One DEFAULT=YES at most in a group: the first the source marks default.
  const firstDefault = drafts.findIndex((d) => d.default);
  return { renditions: drafts.map((d, i) => ({ ...d, name: subtitleRenditionName(i), title: titles[i]!, default: i === firstDefault })), skipped };
}
