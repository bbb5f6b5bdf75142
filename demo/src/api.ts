// The demo's calls to the worker (same origin through Vite's proxy), with the viewer's JWT.
import type { FleetNode } from "@edgestream/contracts";
import type { StreamInfo } from "@edgestream/contracts/stream-info";
import type { Analytics } from "@edgestream/worker";

export interface VideoSummary {
  id: string;
  title: string;
  status: "pending" | "generating" | "ready" | "failed";
  visibility: "public" | "unlisted" | "private";
  durationMs: number | null;
  createdAt: string;
  progress: number;
  error: string | null;
  owned: boolean;
}

/** A refusal from the worker, with its message (already in plain words) and code (for the details). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let jwt = "";

export async function signIn(name: string): Promise<void> {
  const response = await fetch("/api/auth/demo-login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
  if (!response.ok) throw new ApiError("We couldn't sign you in. Is the demo server running?", `demo-login ${response.status}`, response.status);
  jwt = ((await response.json()) as { token: string }).token;
}

export const token = () => jwt;

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${jwt}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => null)) as (T & { error?: { code: string; message: string } }) | null;
  if (!response.ok) throw new ApiError(json?.error?.message ?? "The server did not answer as expected.", json?.error?.code ?? `http ${response.status}`, response.status);
  return json as T;
}

export const listVideos = async () => (await call<{ videos: VideoSummary[] }>("GET", "/api/videos")).videos;
export const getVideo = (id: string) => call<VideoSummary>("GET", `/api/videos/${encodeURIComponent(id)}`);
export const updateVideo = (id: string, changes: Partial<Pick<VideoSummary, "title" | "visibility">>) => call<VideoSummary>("PATCH", `/api/videos/${encodeURIComponent(id)}`, changes);
export const deleteVideo = (id: string) => call<void>("DELETE", `/api/videos/${encodeURIComponent(id)}`);
export const savedProgress = (id: string) => call<{ positionSec: number | null; durationSec: number | null }>("GET", `/api/videos/${encodeURIComponent(id)}/progress`);
/** The owner's playback figures for one video (the worker's default window: the last 30 days). */
export const videoAnalytics = (id: string) => call<Analytics>("GET", `/api/videos/${encodeURIComponent(id)}/analytics`);
/** The operator's list of transcode nodes (demo mode lets anyone see it). */
export const listNodes = async () => (await call<{ nodes: FleetNode[] }>("GET", "/api/admin/nodes")).nodes;
/** Where to play a video now (the player SDK asks this itself; the DASH page asks it directly). */
export const streamOf = (id: string, query: Record<string, string> = {}) =>
  call<StreamInfo>("GET", `/api/videos/${encodeURIComponent(id)}/stream${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""}`);
export const posterOf = async (id: string) => {
  const stream = await streamOf(id);
  return stream.status === "ready" ? stream.posterUrl : undefined;
};

export interface SubtitleTrack {
  id: string;
  language: string;
  label: string;
  cues: number;
}

export const listSubtitles = async (id: string) => (await call<{ tracks: SubtitleTrack[] }>("GET", `/api/videos/${encodeURIComponent(id)}/subtitles`)).tracks;
export const deleteSubtitles = (id: string, trackId: string) => call<void>("DELETE", `/api/videos/${encodeURIComponent(id)}/subtitles/${encodeURIComponent(trackId)}`);

/** Sends a .vtt or .srt file as the body; the worker reads the format from its content. */
export async function addSubtitles(id: string, file: File, language: string, label: string): Promise<SubtitleTrack> {
  const query = new URLSearchParams({ language, ...(label ? { label } : {}) });
  const response = await fetch(`/api/videos/${encodeURIComponent(id)}/subtitles?${query}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${jwt}`, "Content-Type": file.name.toLowerCase().endsWith(".srt") ? "application/x-subrip" : "text/vtt" },
    body: file,
  });
  const json = (await response.json().catch(() => null)) as (SubtitleTrack & { error?: { code: string; message: string } }) | null;
  if (!response.ok) throw new ApiError(json?.error?.message ?? "The subtitles were refused.", json?.error?.code ?? `http ${response.status}`, response.status);
  return json!;
}

export interface Upload {
  done: Promise<VideoSummary>;
  cancel(): void;
}

/** Streams a file to the worker with progress (XMLHttpRequest: fetch reports no upload progress). */
export function uploadVideo(file: File, title: string, onProgress: (fraction: number) => void): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<VideoSummary>((resolve, reject) => {
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || "null") as (VideoSummary & { error?: { code: string; message: string } }) | null;
      if (xhr.status === 201 && body) resolve(body);
      else reject(new ApiError(body?.error?.message ?? "The upload was refused.", body?.error?.code ?? `http ${xhr.status}`, xhr.status));
    };
    xhr.onerror = () => reject(new ApiError("The upload stopped: the connection was lost.", "network", 0));
    xhr.onabort = () => reject(new ApiError("Upload cancelled.", "cancelled", 0));
  });
  xhr.open("POST", `/api/videos?${new URLSearchParams({ title, visibility: "public" })}`);
  xhr.setRequestHeader("Authorization", `Bearer ${jwt}`);
  xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
  xhr.send(file);
  return { done, cancel: () => xhr.abort() };
}
