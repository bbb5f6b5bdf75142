// What the page says, in words a viewer understands; codes and internal names go to the details.
import type { PlayerStatus } from "@edgestream/player-sdk";
import type { VideoSummary } from "./api.ts";

export const percent = (fraction: number) => `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;

export function videoStatus(v: VideoSummary): string {
  switch (v.status) {
    case "pending":
      return "Waiting to be processed";
    case "generating":
      return `Processing · ${percent(v.progress)}`;
    case "failed":
      return `Couldn't process this video: ${failureWords(v.error)}`;
    default:
      return "Ready";
  }
}

/** The worker's failure reasons, said for a viewer (the exact reason stays in the technical details). */
export function failureWords(error: string | null): string {
  if (!error) return "the reason is unknown.";
  if (/not a media file/.test(error)) return "this file isn't a video or audio file we can read.";
  if (/playlist, not a video/.test(error)) return "this is a playlist, not a video. Upload the video file itself.";
  if (/empty/.test(error)) return "the file is empty.";
  if (/not answered|unreachable/.test(error)) return "the processing server stopped answering. Try uploading it again later.";
  return error;
}

export const VISIBILITY_WORDS: Record<VideoSummary["visibility"], string> = {
  public: "Public: everyone can watch",
  unlisted: "Unlisted: anyone with the link",
  private: "Private: only you",
};

export function playerStatus(status: PlayerStatus, progress?: number): string {
  switch (status) {
    case "loading":
      return "Loading…";
    case "generating":
      return progress === undefined ? "Preparing the video…" : `Preparing the video… ${percent(progress)}`;
    case "ready":
      return "Ready to play";
    case "playing":
      return "Playing";
    case "paused":
      return "Paused";
    default:
      return "";
  }
}
