// What a probe tells us about a source, typed. Only what planning and the UI need.

export interface VideoStreamInfo {
  index: number;
  codec: string;
  profile?: string;
  pixFmt?: string;
  bitDepth: number;
  width: number;
  height: number;
  /** Average frames per second (0 when unknown). */
  frameRate: number;
  /** Clockwise display rotation in degrees from the display matrix (0, 90, 180, 270). */
  rotation: number;
  bitRate?: number;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  profile?: string;
  channels: number;
  sampleRate: number;
  bitRate?: number;
}

export interface MediaInfo {
  formatName: string;
  durationSec: number;
  sizeBytes: number;
  bitRate?: number;
  video?: VideoStreamInfo;
  audio?: AudioStreamInfo;
}
