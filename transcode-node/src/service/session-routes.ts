// The session API on the node (behind the /v1 bearer check):
//   POST   /v1/sessions {source, profile?, lease, videoId?, priority?}  start or attach; 201 {id, …}; 503 + Retry-After at capacity
//                                                      (a viewer's start stops a pre-warm session first; a pre-warm's is refused)
//   GET    /v1/sessions/:id                            state, progress, and the storage prefix once completed
//   GET    /v1/sessions/:id/master.m3u8                the full playlists, from the start
//   GET    /v1/sessions/:id/:rendition/index.m3u8
//   GET    /v1/sessions/:id/:rendition/:file?lease=    init.mp4 or seg_NNNNN.m4s; renews the lease; a segment past the first promotes a pre-warm
//   POST   /v1/sessions/:id/heartbeat {lease, priority?}  renews the lease; a viewer's (the default) promotes a pre-warm
//   DELETE /v1/sessions/:id?lease=                     releases the lease (the last one stops the session)
//   GET    /v1/sessions/:id/events                     SSE: SegmentReady, ManifestUpdated, ProgressUpdate, TranscodeCompleted, TranscodeFailed
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { INIT_SEGMENT, MASTER_PLAYLIST, MEDIA_PLAYLIST, parseSegmentName, SessionLeaseSchema, SessionStartSchema, type NodeSessionState, type StorageDriver } from "@edgestream/contracts";
import { MediaInputError, redactPaths } from "../errors.ts";
import { InputRefusedError } from "../input-policy.ts";
import { SegmentNotReadyError, type Session, type SessionEvent } from "../sessions/session.ts";
import { CapacityError, type SessionRegistry } from "../sessions/session-registry.ts";
import type { SessionVideos } from "../fleet/session-videos.ts";
import { streamEvents } from "./event-stream.ts";
import { codedError } from "./http-error.ts";

function view(session: Session, registry: SessionRegistry): NodeSessionState {
  return {
    id: session.id,
    status: session.status,
    progress: session.progress,
    segments: session.segments,
    leases: session.leaseCount,
    priority: registry.priorityOf(session),
    leaseRenewedAt: session.leaseRenewals,
    backend: session.backend,
    encoderPids: session.encoderPids,
    ...(session.error ? { error: redactPaths(session.error) } : {}),
    ...(session.storagePrefix ? { storagePrefix: session.storagePrefix } : {}),
  };
}

export function sessionRoutes(registry: SessionRegistry, storage: StorageDriver, checkPath: (path: string) => Promise<void>, videos: SessionVideos) {
  const app = new Hono();
  const find = (id: string) => {
    const session = registry.get(id);
    if (!session) throw new HTTPException(404, { message: `no session ${id}` });
    return session;
  };

  app.post("/", async (c) => {
    const parsed = SessionStartSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new HTTPException(400, { message: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
    const { source, profile, lease, videoId, priority } = parsed.data;
    if ("path" in source) await checkPath(source.path);
    try {
      const session = await registry.startOrAttach(source, lease, profile, priority);
      videos.note(session, videoId);
      return c.json(view(session, registry), 201);
    } catch (error) {
      if (error instanceof CapacityError) return c.json({ error: { code: "at_capacity", message: error.message } }, 503, { "Retry-After": "10" });
      // The worker shows this to the viewer (422): a refused format says what to upload instead.
      if (error instanceof InputRefusedError) throw codedError(422, error.code, error.message);
      if (error instanceof MediaInputError) throw codedError(422, "unreadable_source", redactPaths(error.message));
      throw error;
    }
  });

  app.get("/:id", (c) => c.json(view(find(c.req.param("id")), registry)));

  app.get(`/:id/${MASTER_PLAYLIST}`, (c) => c.body(find(c.req.param("id")).masterPlaylist(), 200, { "Content-Type": "application/vnd.apple.mpegurl", "Cache-Control": "no-cache" }));

  app.get(`/:id/:rendition/${MEDIA_PLAYLIST}`, async (c) => {
    const session = find(c.req.param("id"));
    let playlist: string;
    try {
      playlist = await session.mediaPlaylist(); // a copy-mode session's waits (bounded) for its remux
    } catch (error) {
      if (error instanceof SegmentNotReadyError) return c.json({ error: { code: "not_ready", message: "the playlist is not ready yet" } }, 503, { "Retry-After": "1", "Cache-Control": "no-store" });
      throw codedError(422, "unreadable_source", redactPaths((error as Error).message));
    }
    return c.body(playlist, 200, { "Content-Type": "application/vnd.apple.mpegurl", "Cache-Control": "no-cache" });
  });

  app.get("/:id/:rendition/:file", async (c) => {
    const session = find(c.req.param("id"));
    const lease = c.req.query("lease");
    if (lease) registry.heartbeat(session.id, lease);
    const file = c.req.param("file");
    const index = file === INIT_SEGMENT ? -1 : parseSegmentName(file);
    if (index === undefined) throw new HTTPException(404, { message: `no file ${file}` });
    // A pre-warm fetches the init segment and the first one only: asking further is playing.
    if (lease && index > 0) registry.promote(session.id);
    let where;
    try {
      where = await session.locate(index, lease ?? "");
    } catch (error) {
      if (error instanceof SegmentNotReadyError) return c.json({ error: { code: "not_ready", message: error.message } }, 503, { "Retry-After": "1", "Cache-Control": "no-store" });
      if (error instanceof RangeError) throw new HTTPException(404, { message: error.message });
      throw new HTTPException(500, { message: (error as Error).message });
    }
    const headers = { "Content-Type": index === -1 ? "video/mp4" : "video/iso.segment", "Cache-Control": "public, max-age=31536000, immutable" };
    if ("storageKey" in where) {
      const object = await storage.get(where.storageKey);
      if (!object) throw new HTTPException(404, { message: `segment ${index} vanished from storage` });
      return c.body(object.body, 200, { ...headers, "Content-Length": String(object.size) });
    }
    const info = await stat(where.path);
    return c.body(Readable.toWeb(createReadStream(where.path)) as ReadableStream, 200, { ...headers, "Content-Length": String(info.size) });
  });

  app.post("/:id/heartbeat", async (c) => {
    const parsed = SessionLeaseSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new HTTPException(400, { message: "lease: required" });
    if (!registry.heartbeat(c.req.param("id"), parsed.data.lease)) throw new HTTPException(404, { message: `no session ${c.req.param("id")}` });
    if (parsed.data.priority !== "prewarm") registry.promote(c.req.param("id"));
    return c.body(null, 204);
  });

  app.delete("/:id", async (c) => {
    const lease = c.req.query("lease");
    if (!lease) throw new HTTPException(400, { message: "lease: required" });
    await registry.release(find(c.req.param("id")).id, lease);
    return c.body(null, 204);
  });

  app.get("/:id/events", (c) => {
    const session = find(c.req.param("id"));
    return streamEvents<SessionEvent>(c, {
      snapshot: view(session, registry),
      subscribe: (listener) => registry.subscribe(session.id, listener),
      done: () => registry.get(session.id) !== session,
      recheckMs: 15_000, // a stopped session sends no event: look again now and then
    });
  });

  return app;
}
