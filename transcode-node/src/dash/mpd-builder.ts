// Pure: a package's renditions (meta.json's fields) and their segment timelines → a static MPD over
// the same init and media segments the HLS playlists name. Every URL is relative to the MPD, so a
// token in the MPD's URL path reaches every file. One Period; video rungs in one AdaptationSet, audio
// in one per language, role and channel count, WebVTT subtitles as text AdaptationSets over their one file.
import { ffmpegSegmentPattern, SUBTITLE_FILE, type PackageMeta, type TrackRole } from "@edgestream/contracts";
import type { RenditionTimeline } from "./rendition-timeline.ts";

export type PackageRendition = PackageMeta["renditions"][number];

/** The SegmentTemplate `media` name below a rendition folder: the contracts' segment name with `$Number$` in it. */
export const DASH_SEGMENT_TEMPLATE = ffmpegSegmentPattern("m4s").replace(/%(0\d+d)/, "$$Number%$1$$");

const PROFILE = "urn:mpeg:dash:profile:isoff-live:2011";
const ROLE_SCHEME = "urn:mpeg:dash:role:2011";
const CHANNELS_SCHEME = "urn:mpeg:dash:23003:3:audio_channel_configuration:2011";
/** Segment starts closer than this are one boundary: under any frame or audio packet's length. */
const ALIGN_TOLERANCE_SEC = 0.001;

const AUDIO_ROLE: Record<TrackRole, string> = { main: "main", commentary: "commentary", description: "description", "hearing-impaired": "enhanced-audio-intelligibility" };
const TEXT_ROLE: Record<TrackRole, string> = { main: "subtitle", commentary: "commentary", description: "description", "hearing-impaired": "caption" };

export function buildMpd(renditions: readonly PackageRendition[], timelines: ReadonlyMap<string, RenditionTimeline>): string {
  const timelineOf = (r: PackageRendition) => {
    const timeline = timelines.get(r.name);
    if (!timeline) throw new Error(`rendition ${r.name} has no segment timeline`);
    return timeline;
  };
  const media = renditions.filter((r) => r.kind !== "subtitle");
  if (media.length === 0) throw new Error("nothing to describe: the package has no video or audio rendition");
  const durationSec = Math.max(...media.map((r) => timelineSeconds(timelineOf(r)).end));
  const longestSegmentSec = Math.max(...media.flatMap((r) => timelineOf(r).segments.map((s) => s.duration / timelineOf(r).timescale)));

  const sets: string[] = [];
  const videos = renditions.filter((r) => r.kind === "video");
  if (videos.length > 0) {
    const aligned = sameBoundaries(videos.map(timelineOf));
    const attrs = attributes({
      id: sets.length, contentType: "video", mimeType: "video/mp4", segmentAlignment: aligned ? "true" : undefined, startWithSAP: 1,
      maxWidth: Math.max(...videos.map((v) => v.width ?? 0)) || undefined, maxHeight: Math.max(...videos.map((v) => v.height ?? 0)) || undefined,
    });
    const reps = videos.map((v) => representation(v, timelineOf(v), { width: v.width, height: v.height, frameRate: v.frameRate ? frameRate(v.frameRate) : undefined }));
    sets.push(`    <AdaptationSet ${attrs}>\n${reps.join("\n")}\n    </AdaptationSet>`);
  }
  const audio = renditions.filter((r) => r.kind === "audio");
  // Without a default disposition on any track (a source that marks none), the first one is the main one.
  const mainByDefault = !audio.some((a) => a.default);
  audioGroups(audio).forEach((group, index) => {
    const first = group[0]!;
    const attrs = attributes({ id: sets.length, contentType: "audio", mimeType: "audio/mp4", lang: first.language, segmentAlignment: sameBoundaries(group.map(timelineOf)) ? "true" : undefined, startWithSAP: 1 });
    const role = first.role ? AUDIO_ROLE[first.role] : first.default || (mainByDefault && index === 0) ? "main" : "alternate";
    const reps = group.map((a) => representation(a, timelineOf(a), {}, a.channels ? [`<AudioChannelConfiguration schemeIdUri="${CHANNELS_SCHEME}" value="${a.channels}"/>`] : []));
    sets.push(`    <AdaptationSet ${attrs}>\n${labelAndRole(first.title, role)}\n${reps.join("\n")}\n    </AdaptationSet>`);
  });
  for (const text of renditions.filter((r) => r.kind === "subtitle")) {
    const attrs = attributes({ id: sets.length, contentType: "text", mimeType: "text/vtt", lang: text.language });
    const role = text.forced ? "forced-subtitle" : TEXT_ROLE[text.role ?? "main"];
    const rep = `      <Representation ${attributes({ id: text.name, bandwidth: text.peakBps })}>\n        <BaseURL>${xml(`${text.name}/${SUBTITLE_FILE}`)}</BaseURL>\n      </Representation>`;
    sets.push(`    <AdaptationSet ${attrs}>\n${labelAndRole(text.title, role)}\n${rep}\n    </AdaptationSet>`);
  }

  const mpd = attributes({
    xmlns: "urn:mpeg:dash:schema:mpd:2011", profiles: PROFILE, type: "static",
    mediaPresentationDuration: isoDuration(durationSec), minBufferTime: isoDuration(longestSegmentSec),
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<MPD ${mpd}>\n  <Period id="0" start="PT0S">\n${sets.join("\n")}\n  </Period>\n</MPD>\n`;
}

/**
 * Audio renditions grouped by language, role and channel count, default first: a commentary is not
 * another bitrate of the film, and neither is a 5.1 mix of its stereo one (no seamless switch between
 * them, and each has its own label), so each gets an AdaptationSet of its own.
 */
function audioGroups(audio: readonly PackageRendition[]): PackageRendition[][] {
  const groups = new Map<string, PackageRendition[]>();
  for (const a of [...audio].sort((x, y) => Number(y.default ?? false) - Number(x.default ?? false))) {
    const key = `${a.language ?? "und"}\n${a.role ?? "main"}\n${a.channels ?? 2}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return [...groups.values()];
}

function representation(r: PackageRendition, timeline: RenditionTimeline, extra: Record<string, string | number | undefined>, inner: string[] = []): string {
  const attrs = attributes({ id: r.name, bandwidth: r.peakBps, codecs: r.codecs, ...extra });
  const template = attributes({
    timescale: timeline.timescale,
    initialization: `${r.name}/${timeline.init}`,
    media: `${r.name}/${DASH_SEGMENT_TEMPLATE}`,
    startNumber: timeline.startNumber,
  });
  const lines = [...inner.map((l) => `        ${l}`), `        <SegmentTemplate ${template}>`, "          <SegmentTimeline>", ...timelineEntries(timeline).map((s) => `            ${s}`), "          </SegmentTimeline>", "        </SegmentTemplate>"];
  return `      <Representation ${attrs}>\n${lines.join("\n")}\n      </Representation>`;
}

/** `<S t d r>` runs: `t` on the first and after any gap or overlap, `r` for repeats of one duration. */
function timelineEntries(timeline: RenditionTimeline): string[] {
  const entries: { t?: number; d: number; r: number }[] = [];
  let end: number | undefined;
  for (const s of timeline.segments) {
    const last = entries.at(-1);
    if (last && s.start === end && last.d === s.duration) last.r++;
    else entries.push({ ...(s.start === end ? {} : { t: s.start }), d: s.duration, r: 0 });
    end = s.start + s.duration;
  }
  return entries.map((e) => `<S ${attributes({ t: e.t, d: e.d, r: e.r || undefined })}/>`);
}

function timelineSeconds(timeline: RenditionTimeline): { starts: number[]; end: number } {
  const starts = timeline.segments.map((s) => s.start / timeline.timescale);
  const last = timeline.segments.at(-1)!;
  return { starts, end: (last.start + last.duration) / timeline.timescale };
}

/** Whether every timeline cuts at the same instants: `segmentAlignment` is a promise players rely on when they switch. */
export function sameBoundaries(timelines: readonly RenditionTimeline[]): boolean {
  const [first, ...rest] = timelines.map((t) => timelineSeconds(t).starts);
  return rest.every((starts) => starts.length === first!.length && starts.every((s, i) => Math.abs(s - first![i]!) < ALIGN_TOLERANCE_SEC));
}

/** DASH FrameRateType is an integer or a fraction: 25 → "25", 29.97 → "30000/1001". */
export function frameRate(fps: number): string | undefined {
  if (Number.isInteger(fps)) return String(fps);
  const ntsc = Math.round((fps * 1001) / 1000);
  if (Math.abs((ntsc * 1000) / 1001 - fps) < 0.01) return `${ntsc * 1000}/1001`;
  for (let d = 2; d <= 100; d++) if (Math.abs(Math.round(fps * d) - fps * d) < 1e-6) return `${Math.round(fps * d)}/${d}`;
  return undefined;
}

function labelAndRole(title: string | undefined, role: string): string {
  return [...(title ? [`      <Label>${xml(title)}</Label>`] : []), `      <Role schemeIdUri="${ROLE_SCHEME}" value="${role}"/>`].join("\n");
}

function isoDuration(seconds: number): string {
  return `PT${Number(seconds.toFixed(3))}S`;
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${xml(String(v))}"`)
    .join(" ");
}

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
