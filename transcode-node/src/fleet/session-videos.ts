// Which videos the node's open sessions serve. A session is keyed by its source and profile, not
// by video, so the worker names the video when it starts or attaches (SessionStart.videoId) and the
// fleet heartbeat reports these ids (GET /api/admin/nodes `sessions`).
import type { Session } from "../sessions/session.ts";

export class SessionVideos {
  private readonly bySession = new WeakMap<Session, Set<string>>();

  note(session: Session, videoId: string | undefined): void {
    if (videoId === undefined) return;
    const videos = this.bySession.get(session) ?? new Set<string>();
    videos.add(videoId);
    this.bySession.set(session, videos);
  }

  /** The video ids of these sessions, each once; a session started without one is left out. */
  of(sessions: Iterable<Session>): string[] {
    const ids = new Set<string>();
    for (const session of sessions) for (const id of this.bySession.get(session) ?? []) ids.add(id);
    return [...ids].sort();
  }
}
