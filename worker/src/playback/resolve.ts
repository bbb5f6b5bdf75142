// Where a viewer plays a video now: the one decision /stream needs, and the one place that moves a
// video's packaging forward when someone asks (no background task on any runtime). Routes map the
// answer to HTTP; they neither read the node nor write a status.
import type { Video } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { sessionFor, sessionsEnabled } from "./node-session.ts";
import { refreshPackaging, startPackaging } from "./packaging.ts";
import { renewableSession } from "./renew.ts";
import { videoCreated } from "../webhooks/video-events.ts";

export type Playback =
  /** Packaged: play from storage. */
  | { kind: "stored"; video: Video; storagePrefix: string }
  /** Play through a node's on-demand session; `video.status` says whether the package is ready too. */
  | { kind: "session"; video: Video; sessionId: string }
  /** Nothing to play yet: ask again. */
  | { kind: "generating"; video: Video }
  | { kind: "failed"; video: Video; error: string };

export interface PlaybackRequest {
  viewerId: string;
  /** The stream token the player is replacing, if any (`/stream?renew=`). */
  renew?: string;
  /** A pre-warm asks (`/stream?prewarm=1`): a session it starts ranks below viewers' on the node. */
  prewarm?: boolean;
}

export async function resolvePlayback(deps: AppDeps, video: Video, request: PlaybackRequest): Promise<Playback> {
  // Packaging moves forward when someone asks: start it (first view, or an upload whose node was
  // down), or pull the job's progress. With sessions and on-first-view, the session is the packager.
  const sessionPackages = sessionsEnabled(deps) && deps.config.PACKAGE_POLICY === "on-first-view";
  if (video.status === "pending" && !sessionPackages) video = await startPackaging(deps, video);
  else video = await refreshVideo(deps, video);
  const renewed = await renewableSession(deps, request.renew, video.id, request.viewerId);
  // Not packaged yet: play at once through the node's on-demand session.
  const live = video.status === "ready" ? null : await sessionFor(deps, video, request.viewerId, request.prewarm ? "prewarm" : "viewer");
  if (live) video = live.video;
  if (video.status === "failed") return { kind: "failed", video, error: video.error ?? "packaging failed" };
  const sessionId = renewed?.id ?? (video.status === "ready" ? undefined : live?.session?.id);
  if (sessionId) return { kind: "session", video, sessionId };
  if (video.status === "ready" && video.storagePrefix) return { kind: "stored", video, storagePrefix: video.storagePrefix };
  return { kind: "generating", video };
}

/** A video brought up to date with its packaging job (the video list and the video ask too). */
export function refreshVideo(deps: AppDeps, video: Video): Promise<Video> {
  return refreshPackaging(deps, video);
}

/** A new video (webhooks told), packaged at once when the deployment packages on upload. */
export async function videoAdded(deps: AppDeps, video: Video): Promise<Video> {
  await videoCreated(deps, video);
  return deps.config.PACKAGE_POLICY === "on-upload" ? startPackaging(deps, video) : video;
}
