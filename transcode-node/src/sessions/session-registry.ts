// All on-demand sessions of one node: start-or-attach by (source, profile) so every viewer shares one
// encode, O(1) lookups by id and by key, one inactivity timeout (SESSION_INACTIVITY_SECONDS)
// checked every fifth of it, capacity caps, and a shutdown that leaves no ffmpeg behind.
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { liveRenditionName, type NodeSource, type SessionPriority, type StorageDriver } from "@edgestream/contracts";
import { MediaInputError } from "../errors.ts";
import { demuxerFor } from "../input-policy.ts";
import { sha256FileIdle } from "../hash.ts";
import type { Backend } from "../hw-backends.ts";
import { avcCodecFromProbe } from "../master-playlist.ts";
import type { MediaInfo } from "../media-info.ts";
import { bitrateFor, planPackage, type PackagePlan } from "../plan.ts";
import { probe } from "../probe.ts";
import { downloadSource } from "../source-download.ts";
import { Session, type SessionEvent, type SessionProfile, type SessionTiming } from "./session.ts";
import { admit } from "./slot-admission.ts";

export interface SessionSettings extends SessionTiming {
  inactivityMs: number;
  maxSessions: number;
  segmentSeconds: number;
  /** Default profile: the height of the session's one rendition (never above the source). */
  profileHeight: number;
  workRoot: string;
  probeTimeoutMs: number;
  /** The encoder backend for a new session (the hardware registry's choice). */
  chooseBackend?: () => Promise<Backend>;
  /** SESSION_COPY: a browser-safe source (H.264 8-bit 4:2:0, AAC or re-encoded audio) plays from a
   *  remux at its own size, whatever the profile; false: every session encodes. Default true. */
  copy?: boolean;
  /** Called when a viewer starts waiting on a segment; returns the call for when it stops (the
   *  service holds its packaging jobs meanwhile). */
  onViewerWait?: () => () => void;
  /** Sessions one encoder may run at once (consumer NVENC allows only a few); unset: SESSION_MAX. */
  encoderCaps?: Partial<Record<Backend, number>>;
}

export type SessionSource = NodeSource;

/** The source's file name as meta.json records it: the path's or the storage key's last part. */
function sourceName(source: SessionSource): string {
  return basename("path" in source ? source.path : source.storageKey);
}

/**
 * The plan of a copy-mode session, when the source allows one: its video is browser-safe at its own
 * size (planPackage's top rung says "copy" with a ladder of the source's own height), so a remux
 * plays at once and no encoder is needed. Its codecs and bitrate are the source's.
 */
function copyPlan(info: MediaInfo, segmentSeconds: number): { plan: PackagePlan; codecs: string; bitrateKbps: number } | undefined {
  const video = info.video;
  if (!video || video.height < 16 || video.height > 4320) return undefined;
  const plan = planPackage(info, { ladder: [video.height], maxWidth: Math.max(video.width, 1), segmentSeconds });
  if (plan.video?.renditions[0]?.mode !== "copy") return undefined;
  const audio = plan.audio ? (plan.audio.mode === "copy" ? plan.audio.codecs : "mp4a.40.2") : undefined;
  const bps = video.bitRate ?? info.bitRate;
  return {
    plan,
    codecs: [avcCodecFromProbe(video.profile, video.level), ...(audio ? [audio] : [])].join(","),
    bitrateKbps: bps ? Math.ceil(bps / 1000) : bitrateFor(video.height),
  };
}

export class CapacityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CapacityError";
  }
}

export class SessionRegistry {
  private readonly byId = new Map<string, Session>();
  private readonly byKey = new Map<string, Session>();
  private readonly starting = new Map<string, Promise<Session>>();
  private readonly listeners = new Map<string, Set<(event: SessionEvent) => void>>();
  /** Each session's source hashing: its cancel, and its end (the child exited and was reaped). No read of the source outlives its session. */
  private readonly hashing = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  /** Sessions only pre-warms asked for (slot-admission.ts): a viewer's start or playback promotes them. */
  private readonly prewarms = new Set<Session>();
  private readonly reaper: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(
    private readonly settings: SessionSettings,
    private readonly storage: StorageDriver,
    private readonly now: () => number = Date.now,
  ) {
    this.reaper = setInterval(() => void this.reap(), this.checkEveryMs);
    this.reaper.unref();
  }

  /** Acting within 25% of the timeout needs a check at least that often; a fifth leaves margin. */
  get checkEveryMs(): number {
    return Math.max(50, this.settings.inactivityMs / 5);
  }

  get size(): number {
    return this.byId.size;
  }

  sessions(): IterableIterator<Session> {
    return this.byId.values();
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  /**
   * The viewer's lease on the one session for (source, profile): attached when it runs, started when
   * not. At SESSION_MAX a viewer's start stops the least recently used pre-warm session; a pre-warm's
   * is refused (slot-admission.ts).
   */
  async startOrAttach(source: SessionSource, lease: string, profileHeight = this.settings.profileHeight, priority: SessionPriority = "viewer"): Promise<Session> {
    if (this.closed) throw new CapacityError("the node is shutting down");
    const key = `${"path" in source ? `path:${source.path}` : `key:${source.storageKey}`}#${profileHeight}`;
    const existing = this.byKey.get(key) ?? (await this.starting.get(key));
    if (existing && existing.status !== "failed") {
      existing.touch(lease, this.now());
      if (priority === "viewer") this.prewarms.delete(existing);
      return existing;
    }
    const running = [...this.byId.values()].map((session) => ({ session, priority: this.priorityOf(session), lastUsedAt: session.lastUsedAt }));
    const admission = admit(running, this.starting.size, this.settings.maxSessions, priority);
    if (admission.type === "refuse") throw new CapacityError(admission.reason);
    if (admission.type === "evict") await this.remove(admission.session.session);
    const starting = this.create(key, source, lease, profileHeight);
    this.starting.set(key, starting);
    try {
      const session = await starting;
      this.byId.set(session.id, session);
      this.byKey.set(key, session);
      if (priority === "prewarm") this.prewarms.add(session);
      return session;
    } finally {
      this.starting.delete(key);
    }
  }

  priorityOf(session: Session): SessionPriority {
    return this.prewarms.has(session) ? "prewarm" : "viewer";
  }

  /** A pre-warm session someone now plays (a segment past the first, which a pre-warm never asks): a viewer's from now on. */
  promote(id: string): void {
    const session = this.byId.get(id);
    if (session) this.prewarms.delete(session);
  }

  heartbeat(id: string, lease: string): boolean {
    const session = this.byId.get(id);
    session?.touch(lease, this.now());
    return session !== undefined;
  }

  async release(id: string, lease: string): Promise<void> {
    const session = this.byId.get(id);
    if (!session) return;
    session.release(lease);
    if (session.leaseCount === 0) await this.remove(session);
  }

  subscribe(id: string, listener: (event: SessionEvent) => void): () => void {
    const set = this.listeners.get(id) ?? new Set();
    this.listeners.set(id, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    await Promise.all([...this.starting.values()].map((p) => p.then((s) => this.remove(s), () => {})));
    await Promise.all([...this.byId.values()].map((session) => this.remove(session)));
  }

  private async reap(): Promise<void> {
    const now = this.now();
    for (const session of [...this.byId.values()]) {
      if (session.dropLapsed(now, this.settings.inactivityMs)) await this.remove(session);
    }
  }

  private async remove(session: Session): Promise<void> {
    if (this.byId.get(session.id) !== session) return;
    this.byId.delete(session.id);
    this.prewarms.delete(session);
    if (this.byKey.get(session.key) === session) this.byKey.delete(session.key);
    const hash = this.hashing.get(session.id);
    hash?.controller.abort();
    this.hashing.delete(session.id);
    await session.stop();
    // A stopped session has no hashing child left: wait until the killed one is gone, not only signalled.
    await hash?.done;
    await rm(join(this.settings.workRoot, `source-${session.id}`), { recursive: true, force: true });
    this.listeners.delete(session.id);
  }

  private async create(key: string, source: SessionSource, lease: string, profileHeight: number): Promise<Session> {
    const id = randomUUID();
    // Capacity first: a refused start must not have copied the source.
    const backend = (await this.settings.chooseBackend?.()) ?? "software";
    const cap = this.settings.encoderCaps?.[backend];
    const onBackend = [...this.byId.values()].filter((s) => s.backend === backend).length;
    if (cap !== undefined && onBackend >= cap) throw new CapacityError(`the ${backend} encoder already runs ${cap} sessions`);
    try {
      const input = await this.localInput(id, source);
      const info = await probe(input, { timeoutMs: this.settings.probeTimeoutMs });
      if (!info.video) throw new MediaInputError("on-demand sessions need a video stream: this source is audio only");
      const copy = this.settings.copy === false ? undefined : copyPlan(info, this.settings.segmentSeconds);
      const plan = copy?.plan ?? planPackage(info, { ladder: [profileHeight], segmentSeconds: this.settings.segmentSeconds });
      const rung = plan.video!.renditions[0]!;
      // A session has a folder of its own: its segments carry audio and video, unlike a packaging job's
      // rungs. It encodes at the profile unless the source can be copied (then at the source's size).
      const maxBitrateKbps = copy?.bitrateKbps ?? (rung.maxBitrateKbps || bitrateFor(rung.height));
      const profile: SessionProfile = { name: liveRenditionName(rung.name), width: rung.width, height: rung.height, fps: plan.video!.fps, maxBitrateKbps };
      const session = new Session({
        id,
        key,
        input,
        workDir: join(this.settings.workRoot, `session-${id}`),
        durationSec: info.durationSec,
        source: { name: sourceName(source), ...info },
        hasAudio: plan.audio !== null,
        segmentSeconds: this.settings.segmentSeconds,
        profile,
        timing: this.settings,
        storage: this.storage,
        storagePrefix: () => {
          const controller = new AbortController();
          const hashed = sha256FileIdle(input, { signal: controller.signal });
          this.hashing.set(id, { controller, done: hashed.catch(() => {}) });
          return hashed;
        },
        // The default audio language only: the one plan.audio describes (the package's first audio rendition).
        encode: { backend, inputFormat: demuxerFor(info.formatName), video: plan.video!, ...(plan.audioTracks?.[0] ? { audioStream: plan.audioTracks[0].sourceIndex } : {}) },
        ...(copy ? { copy: { copyAudio: plan.audio?.mode === "copy", codecs: copy.codecs } } : {}),
        ...(this.settings.onViewerWait ? { onViewerWait: this.settings.onViewerWait } : {}),
        onEvent: (event) => {
          for (const listener of this.listeners.get(id) ?? []) listener(event);
        },
      });
      await session.start(lease, this.now());
      return session;
    } catch (error) {
      await rm(join(this.settings.workRoot, `source-${id}`), { recursive: true, force: true });
      throw error;
    }
  }

  /** ffmpeg seeks in the source on every restart: it must be a local file. Storage sources are copied once. */
  private async localInput(id: string, source: SessionSource): Promise<string> {
    if ("path" in source) return source.path;
    return downloadSource(this.storage, source.storageKey, join(this.settings.workRoot, `source-${id}`));
  }
}
