// On-demand sessions seen from the worker: a video that is not packaged yet plays at once through
// the node's session, whose playlists and segments the gate proxies (signed like stored ones).
// The session's state is pulled when someone asks, like packaging jobs (packaging.ts).
import { updateVideo } from "../db/videos.ts";
import type { Video } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { readPackageMeta } from "../storage/package-meta.ts";
import type { NodeSessionState } from "@edgestream/contracts";
import { TranscodeNodeError } from "./node-client.ts";

/** Stream tokens whose `src` starts with this point at a node session, not at storage. */
export const NODE_SESSION_SRC = "node-";

export function sessionsEnabled(deps: AppDeps): boolean {
  return deps.transcoder !== undefined && deps.config.ON_DEMAND_SESSIONS;
}

/**
 * The live session for a video that is not ready, started (or re-started after it lapsed) when
 * needed, with this viewer's lease renewed. Completing it makes the video ready when no packaging
 * job is going to. null when sessions are off or the node cannot take one (the caller answers 202).
 */
export async function sessionFor(deps: AppDeps, video: Video, viewerId: string): Promise<{ video: Video; session: Pick<NodeSessionState, "id" | "status" | "progress" | "error" | "storagePrefix"> } | null> {
  if (!sessionsEnabled(deps) || !video.sourceKey || video.status === "ready" || video.status === "failed") return null;
  const node = deps.transcoder!;
  try {
    let session = video.nodeSessionId ? await node.getSession(video.nodeSessionId) : null;
    if (session && session.status === "stopped") session = null;
    if (session) await node.heartbeat(session.id, viewerId);
    else {
      session = await node.startSession({ storageKey: video.sourceKey, lease: viewerId, videoId: video.id });
      const changes: Partial<Video> = { nodeSessionId: session.id, status: video.status === "pending" ? "generating" : video.status };
      await updateVideo(deps.db, video.id, changes);
      video = { ...video, ...changes };
    }
    if (session.status === "failed") {
      // A packaging job may still succeed where the session failed (it falls back to software).
      if (video.jobId) return null;
      const changes: Partial<Video> = { status: "failed", error: session.error ?? "the source could not be transcoded" };
      await updateVideo(deps.db, video.id, changes);
      return { video: { ...video, ...changes }, session };
    }
    if (session.status === "completed" && session.storagePrefix && !video.jobId) {
      const facts = await readPackageMeta(deps.storage, session.storagePrefix);
      if (facts) {
        const changes: Partial<Video> = { status: "ready", progress: 1, storagePrefix: session.storagePrefix, durationMs: facts.durationMs, sourceSha256: facts.sourceSha256 };
        await updateVideo(deps.db, video.id, changes);
        return { video: { ...video, ...changes }, session };
      }
    }
    if (!video.jobId && session.progress !== video.progress) {
      await updateVideo(deps.db, video.id, { progress: session.progress });
      video = { ...video, progress: session.progress };
    }
    return { video, session };
  } catch (error) {
    // The node cannot read the source: say so, unless a packaging job is still trying.
    if (error instanceof TranscodeNodeError && error.status === 422 && !video.jobId) {
      const changes: Partial<Video> = { status: "failed", error: error.detail ?? error.message };
      await updateVideo(deps.db, video.id, changes);
      return { video: { ...video, ...changes }, session: { id: "", status: "failed", progress: 0, error: changes.error! } };
    }
    // Busy (503) or unreachable: no session this time; the viewer gets a plain 202 and asks again.
    console.warn(`no on-demand session for ${video.id}: ${(error as Error).message}`);
    return null;
  }
}
