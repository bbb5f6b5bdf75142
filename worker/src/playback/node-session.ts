// On-demand sessions seen from the worker: a video that is not packaged yet plays at once through
// the node's session, whose playlists and segments the gate proxies (signed like stored ones).
// The session's state is pulled when someone asks, like packaging jobs (packaging.ts).
import type { Video } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { readPackageMeta } from "../storage/package-meta.ts";
import type { NodeSessionState, SessionPriority } from "@edgestream/contracts";
import { TranscodeNodeError } from "../transcode/node-client.ts";
import { advance, markFailed, markReady } from "./transitions.ts";

export function sessionsEnabled(deps: AppDeps): boolean {
  return deps.transcoder !== undefined && deps.config.ON_DEMAND_SESSIONS;
}

/**
 * The live session for a video that is not ready, started (or re-started after it lapsed) when
 * needed, with this viewer's lease renewed. Completing it makes the video ready when no packaging
 * job is going to. A pre-warm's session (`priority`) is the first the node stops or refuses when
 * its slots run out; playing it promotes it there. null when sessions are off or the node cannot take one (the caller answers 202);
 * `session` is null when the node refused the source (the video is failed then).
 */
export async function sessionFor(deps: AppDeps, video: Video, viewerId: string, priority: SessionPriority = "viewer"): Promise<{ video: Video; session: NodeSessionState | null } | null> {
  if (!sessionsEnabled(deps) || !video.sourceKey || video.status === "ready" || video.status === "failed") return null;
  const node = deps.transcoder!;
  try {
    let session = video.nodeSessionId ? await node.getSession(video.nodeSessionId) : null;
    if (session && session.status === "stopped") session = null;
    if (session) await node.heartbeat(session.id, viewerId, priority);
    else {
      session = await node.startSession({ storageKey: video.sourceKey, lease: viewerId, videoId: video.id, priority });
      video = await advance(deps, video, { nodeSessionId: session.id, status: "generating" });
    }
    if (session.status === "failed") {
      // A packaging job may still succeed where the session failed (it falls back to software).
      if (video.jobId) return null;
      return { video: await markFailed(deps, video, session.error ?? "the source could not be transcoded"), session };
    }
    if (session.status === "completed" && session.storagePrefix && !video.jobId) {
      const facts = await readPackageMeta(deps.storage, session.storagePrefix);
      if (facts) {
        const ready = { storagePrefix: session.storagePrefix, durationMs: facts.durationMs, sourceSha256: facts.sourceSha256, posterPath: facts.posterPath, thumbnailsPath: facts.thumbnailsPath };
        return { video: await markReady(deps, video, ready), session };
      }
    }
    if (!video.jobId && session.progress !== video.progress) video = await advance(deps, video, { progress: session.progress });
    return { video, session };
  } catch (error) {
    // The node cannot read the source: say so, unless a packaging job is still trying.
    if (error instanceof TranscodeNodeError && error.status === 422 && !video.jobId) {
      return { video: await markFailed(deps, video, error.detail ?? error.message), session: null };
    }
    // Busy (503) or unreachable: no session this time; the viewer gets a plain 202 and asks again
    // (a pre-warm refused at a full node gets it too, and fetches nothing).
    console.warn(`no on-demand session for ${video.id}: ${(error as Error).message}`);
    return null;
  }
}
