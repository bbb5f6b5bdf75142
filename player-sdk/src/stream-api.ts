// The worker's contract as the SDK reads it: /stream, progress, heartbeats and analytics events.
// StreamInfo is the /stream answer from contracts' zod-free type (the worker's schema is checked against
// it), imported as a type only; the published declarations carry it inlined.
import type { StreamInfo } from "@edgestream/contracts/stream-info";

export type { StreamInfo };

export class StreamRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "StreamRequestError";
  }
}

export function apiUrl(apiBase: string, path: string, query?: Record<string, string>): URL {
  const url = new URL(`${apiBase}${path}`, globalThis.location?.href);
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
  return url;
}

/** Asks where to play a video. URLs come back absolute, resolved against the API's URL. `query`: more
 * parameters (./prewarm's `prewarm=1`). */
export async function fetchStreamInfo(apiBase: string, videoId: string, token: string, signal?: AbortSignal, session?: string, renew?: string, query: Record<string, string> = {}): Promise<StreamInfo> {
  // Passing the playback session back keeps one session id across token refreshes; passing the
  // stream token being refreshed keeps the source it points at (an on-demand session) while it lives.
  if (session) query["session"] = session;
  if (renew) query["renew"] = renew;
  const url = apiUrl(apiBase, `/api/videos/${encodeURIComponent(videoId)}/stream`, query);
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (response.status === 401) throw new StreamRequestError("not signed in, or the sign-in expired", 401);
  if (response.status === 404) throw new StreamRequestError("this video does not exist or is not shared with you", 404);
  if (!body || typeof body["status"] !== "string") {
    const message = (body?.["error"] as { message?: string } | undefined)?.message;
    throw new StreamRequestError(message ?? `the stream request failed with HTTP ${response.status}`, response.status);
  }
  for (const key of ["manifestUrl", "mp4Url", "posterUrl", "thumbnailsUrl"]) {
    if (typeof body[key] === "string") body[key] = new URL(body[key] as string, url).href;
  }
  return body as unknown as StreamInfo;
}

export interface SavedProgress {
  positionSec: number | null;
  durationSec: number | null;
}

export async function fetchProgress(apiBase: string, videoId: string, token: string, signal: AbortSignal): Promise<SavedProgress | null> {
  const response = await fetch(apiUrl(apiBase, `/api/videos/${encodeURIComponent(videoId)}/progress`), {
    headers: { Authorization: `Bearer ${token}` },
    signal,
  });
  return response.ok ? ((await response.json()) as SavedProgress) : null;
}

/**
 * A small JSON write to the worker. `beacon` is for a page that is going away: the viewer token
 * travels as a query parameter and the body as text/plain (no preflight); POSTs use sendBeacon,
 * other methods fetch with keepalive.
 */
export async function send(
  apiBase: string,
  method: "POST" | "PUT",
  path: string,
  token: string,
  body: unknown,
  beacon = false,
  signal?: AbortSignal,
): Promise<boolean> {
  const text = JSON.stringify(body);
  if (beacon) {
    const url = apiUrl(apiBase, path, { token });
    if (method === "POST" && navigator.sendBeacon?.(url, new Blob([text], { type: "text/plain" }))) return true;
    return fetch(url, { method, body: text, keepalive: true, headers: { "Content-Type": "text/plain" } }).then(
      (r) => r.ok,
      () => false,
    );
  }
  const response = await fetch(apiUrl(apiBase, path), {
    method,
    body: text,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    ...(signal ? { signal } : {}),
  });
  return response.ok;
}
