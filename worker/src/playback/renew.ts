// A token refresh names the token it replaces (`/stream?renew=`): a viewer on a live node session
// keeps that session (its playlists name the session's files, not the package's), even once the
// video is ready, while the node still runs it.
import { nowSeconds } from "../clock.ts";
import type { AppDeps } from "../env.ts";
import { verifyStreamToken } from "../signing/stream-token.ts";
import { hlsFilePath } from "../signing/stream-url.ts";
import { MASTER_PLAYLIST, type NodeSessionState } from "@edgestream/contracts";

/** A token this old (past its expiry) no longer brings its session back. */
export const RENEW_WITHIN_SECONDS = 24 * 3600;

/** The node session a viewer's own (possibly expired) token points at, when it is still running; its lease renewed. */
export async function renewableSession(deps: AppDeps, renew: string | undefined, videoId: string, viewerId: string): Promise<NodeSessionState | null> {
  if (!renew || !deps.transcoder) return null;
  // Verified as of its own expiry: the MAC and scope must hold, the age is checked below.
  const verdict = await verifyStreamToken(deps.keyring, renew, hlsFilePath(videoId, MASTER_PLAYLIST), 0, 0);
  if (!verdict.ok || verdict.claims.sub !== viewerId || verdict.claims.session === undefined) return null;
  if (nowSeconds(deps) - verdict.claims.exp > RENEW_WITHIN_SECONDS) return null;
  const id = verdict.claims.session;
  const session = await deps.transcoder.getSession(id).catch(() => null);
  if (!session || (session.status !== "running" && session.status !== "completed")) return null;
  await deps.transcoder.heartbeat(id, viewerId).catch(() => false);
  return session;
}
