// The worker's /stream contract, as the SDK reads it.

export type StreamInfo =
  | { status: "ready"; manifestUrl: string; expiresAt: string }
  | { status: "generating"; progress: number; retryAfter: number; manifestUrl?: string }
  | { status: "failed"; error: string };

export class StreamRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "StreamRequestError";
  }
}

/** Asks where to play a video. Manifest URLs come back absolute, resolved against the API's URL. */
export async function fetchStreamInfo(apiBase: string, videoId: string, token: string, signal?: AbortSignal): Promise<StreamInfo> {
  const url = new URL(`${apiBase}/api/videos/${encodeURIComponent(videoId)}/stream`, globalThis.location?.href);
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (response.status === 401) throw new StreamRequestError("not signed in, or the sign-in expired", 401);
  if (response.status === 404) throw new StreamRequestError("this video does not exist or is not shared with you", 404);
  if (!body || typeof body["status"] !== "string") {
    const message = (body?.["error"] as { message?: string } | undefined)?.message;
    throw new StreamRequestError(message ?? `the stream request failed with HTTP ${response.status}`, response.status);
  }
  if (typeof body["manifestUrl"] === "string") body["manifestUrl"] = new URL(body["manifestUrl"], url).href;
  return body as unknown as StreamInfo;
}
