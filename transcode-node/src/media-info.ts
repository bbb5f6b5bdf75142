// What a probe tells us about a source, typed. Only what planning, meta.json and the UI need.

export type HdrTransfer = "pq" | "hlg";

export interface VideoStreamInfo {
  index: number;
  codec: string;
  profile?: string;
  level?: number;
  pixFmt?: string;
  bitDepth: number;
  /** Chroma subsampling from the pixel format ("420", "422", "444"; "unknown" when it cannot tell). */
  chroma: "420" | "422" | "444" | "unknown";
  /** Coded size, before rotation. */
  width: number;
  height: number;
  /** Average frames per second (0 when unknown). */
  frameRate: number;
  /** True when frame timing is irregular (average rate differs from the stream's base rate). */
  vfr: boolean;
  /** Clockwise display rotation in degrees from the display matrix (0, 90, 180, 270). */
  rotation: number;
  colorTransfer?: string;
  colorPrimaries?: string;
  colorSpace?: string;
  /** Set for PQ (HDR10) and HLG sources, which must be tone-mapped for SDR H.264. */
  hdr?: HdrTransfer;
  /** Set when the stream is coded as fields (ffprobe field_order tt/bb/tb/bt): it is deinterlaced before scaling. */
  interlaced?: boolean;
  bitRate?: number;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  profile?: string;
  channels: number;
  channelLayout?: string;
  sampleRate: number;
  bitRate?: number;
  /** The source's language tag as written (ISO 639-2 in most containers: "eng", "deu"); absent or "und" when unnamed. */
  language?: string;
  /** The source's title tag ("Director's commentary"). */
  title?: string;
  /** The source's dispositions that matter for a player: default, commentary, description, dub, original. */
  /** Absent in hand-made infos: none set. */
  dispositions?: AudioDispositions;
}

export interface AudioDispositions {
  default: boolean;
  comment: boolean;
  visualImpaired: boolean;
  dub: boolean;
  original: boolean;
}

export interface SubtitleStreamInfo {
  index: number;
  codec: string;
  language?: string;
  title?: string;
  dispositions: { default: boolean; forced: boolean; hearingImpaired: boolean };
}

export interface StreamSummary {
  index: number;
  type: string;
  codec: string;
}

export interface MediaInfo {
  formatName: string;
  durationSec: number;
  sizeBytes: number;
  bitRate?: number;
  video?: VideoStreamInfo;
  /** The default audio stream (by disposition, else the first); the first entry of audioStreams. */
  audio?: AudioStreamInfo;
  /** Every audio stream, the default first, then in file order (absent in infos made before these lists: `audio` alone). */
  audioStreams?: AudioStreamInfo[];
  /** Every subtitle stream in file order, text or image. */
  subtitles?: SubtitleStreamInfo[];
  /** Every stream in the file, including the ones we ignore (subtitles, data, cover art). */
  streams: StreamSummary[];
}
