// One on-demand session: a source encoded to one profile, segment by segment, for every viewer who
// holds a lease on it. Hand-written: this is the part no library does (the Jellyfin model, without
// its known failures).
// - The full VOD playlist exists from the start (vod-playlist.ts); a segment request is served at
//   once when the segment is finished, waits (bounded) when the encoder will reach it soon, and
//   otherwise restarts the encoder at that segment (session-args.ts keeps restarts on the grid).
// - A segment is finished when its final file exists: ffmpeg writes `.tmp` and renames on close
//   (temp_file), and a restarted run is killed with SIGKILL so no half segment is ever renamed.
// - The encoder stays `aheadSegments` ahead of the furthest request, parked with SIGSTOP beyond it.
// - Finished segments are copied to storage as they come; when all are there, the playlists and
//   meta.json follow (master last) and the video is a regular package.
import { watch, type FSWatcher } from "node:fs";
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { StorageDriver } from "@edgestream/worker";
import { runFfmpeg, type FfmpegRun } from "../ffmpeg-process.ts";
import { buildSessionArgs, segmentFileName, SESSION_INIT, type SessionEncode } from "./session-args.ts";
import { buildSessionMasterPlaylist, buildSessionMediaPlaylist, segmentCount } from "./vod-playlist.ts";

export type SessionStatus = "running" | "completed" | "failed" | "stopped";

export type SessionEvent =
  | { type: "SegmentReady"; index: number }
  | { type: "ManifestUpdated"; storagePrefix: string }
  | { type: "ProgressUpdate"; segmentsDone: number; segments: number; speed: number }
  | { type: "TranscodeCompleted"; storagePrefix: string }
  | { type: "TranscodeFailed"; error: string };

export interface SessionProfile {
  name: string;
  width: number;
  height: number;
  fps: number;
  maxBitrateKbps: number;
}

export interface SessionTiming {
  /** How long a request waits for a segment the encoder will reach soon. */
  waitMs: number;
  /** Segments the encoder may run ahead of the furthest request before it is parked. */
  aheadSegments: number;
  /** A request further than this beyond the encoder's position restarts it there. */
  restartDistance: number;
  /** Grace between `q` and SIGKILL when the session stops. */
  stopGraceMs: number;
}

export interface SessionInit {
  id: string;
  key: string;
  input: string;
  workDir: string;
  durationSec: number;
  hasAudio: boolean;
  segmentSeconds: number;
  profile: SessionProfile;
  timing: SessionTiming;
  storage: StorageDriver;
  /** The content address (SHA-256 of the source); asked for once the first segment is out, so
   *  hashing a large source never competes with the encoder for the first play. */
  storagePrefix: () => Promise<string>;
  encode?: Pick<SessionEncode, "backend" | "device">;
  onEvent?: (event: SessionEvent) => void;
}

export class SegmentNotReadyError extends Error {
  constructor(readonly index: number) {
    super(`segment ${index} is not ready yet`);
    this.name = "SegmentNotReadyError";
  }
}

interface EncoderRun {
  run: FfmpegRun;
  start: number;
  end: number;
  highest: number; // highest segment index this run has finished, start - 1 before the first
  paused: boolean;
}

const INIT_INDEX = -1;

export class Session {
  readonly id: string;
  readonly key: string;
  readonly segments: number;
  status: SessionStatus = "running";
  error: string | undefined;
  speed = 0;
  private readonly leases = new Map<string, number>();
  private readonly finished = new Set<number>();
  private readonly stored = new Set<number>();
  private readonly waiters = new Map<number, Set<() => void>>();
  private encoder: EncoderRun | null = null;
  private furthest = 0;
  private failures = 0;
  private watcher: FSWatcher | null = null;
  private persisting: Promise<void> = Promise.resolve();
  private prefix: string | undefined;
  private hashing = false;

  constructor(private readonly init: SessionInit) {
    this.id = init.id;
    this.key = init.key;
    this.segments = segmentCount(init.durationSec, init.segmentSeconds);
  }

  /** The running encoder's process id (operators, and the crash-recovery test). */
  get encoderPid(): number | undefined {
    return this.encoder?.run.pid;
  }

  get backend(): string {
    return this.init.encode?.backend ?? "software";
  }

  get leaseCount(): number {
    return this.leases.size;
  }

  /** Segments the encoder is ahead of the furthest request (0 when idle). */
  get segmentsAhead(): number {
    return this.encoder ? Math.max(0, this.encoder.highest - this.furthest) : 0;
  }

  get progress(): number {
    return this.finished.size / this.segments;
  }

  async start(lease: string, now: number): Promise<void> {
    await mkdir(this.init.workDir, { recursive: true });
    this.watcher = watch(this.init.workDir, () => void this.scan());
    this.touch(lease, now);
    this.startEncoder(0);
  }

  touch(lease: string, now: number): void {
    this.leases.set(lease, now);
  }

  release(lease: string): void {
    this.leases.delete(lease);
  }

  /** Drops leases not renewed within `timeoutMs`; true when none is left. */
  dropLapsed(now: number, timeoutMs: number): boolean {
    for (const [lease, seen] of this.leases) if (now - seen > timeoutMs) this.leases.delete(lease);
    return this.leases.size === 0;
  }

  mediaPlaylist(): string {
    return buildSessionMediaPlaylist(this.init.durationSec, this.init.segmentSeconds);
  }

  masterPlaylist(): string {
    const { name, width, height, maxBitrateKbps } = this.init.profile;
    return buildSessionMasterPlaylist(name, maxBitrateKbps * 1000, width, height, this.init.hasAudio);
  }

  /** Where segment `index` (or the init segment, -1) can be read: a local file or a storage key. */
  async locate(index: number): Promise<{ path: string } | { storageKey: string }> {
    if (this.status === "failed") throw new Error(this.error ?? "the session failed");
    if (index !== INIT_INDEX && (index < 0 || index >= this.segments)) throw new RangeError(`no segment ${index}`);
    if (index > this.furthest) this.furthest = index;
    if (!this.finished.has(index) && this.stored.has(index) && this.prefix) return { storageKey: this.storageKeyOf(index) };
    if (!this.finished.has(index)) {
      this.steer(index);
      await this.waitFor(index);
    }
    this.keepAhead();
    return { path: join(this.init.workDir, this.fileOf(index)) };
  }

  /** Stops the encoder (`q`, grace, SIGKILL) and removes the work directory. */
  async stop(): Promise<void> {
    if (this.status === "running") this.status = "stopped";
    this.watcher?.close();
    const encoder = this.encoder;
    this.encoder = null;
    if (encoder) {
      encoder.run.abort(this.init.timing.stopGraceMs);
      await encoder.run.done.catch(() => {});
    }
    for (const set of this.waiters.values()) for (const wake of set) wake();
    await this.persisting.catch(() => {});
    await rm(this.init.workDir, { recursive: true, force: true });
  }

  // --- encoder control -------------------------------------------------------------------------

  /** Decides, for a request of segment `index` that is not finished, whether to wait or restart. */
  private steer(index: number): void {
    const e = this.encoder;
    if (index === INIT_INDEX) {
      if (!e) this.startEncoder(this.firstMissing(0) ?? 0);
      return;
    }
    const next = e ? e.highest + 1 : -1;
    if (e && index >= next && index < e.end && index - next <= this.init.timing.restartDistance) {
      if (e.paused) this.resume();
      return;
    }
    this.startEncoder(index);
  }

  private startEncoder(start: number): void {
    if (this.status !== "running") return;
    if (this.encoder) {
      this.encoder.run.kill();
      this.encoder = null;
    }
    let end = start + 1;
    while (end < this.segments && !this.finished.has(end) && !this.stored.has(end)) end++;
    const { profile, segmentSeconds } = this.init;
    const args = buildSessionArgs({
      input: this.init.input,
      outDir: this.init.workDir,
      segmentSeconds,
      startSegment: start,
      ...(end < this.segments ? { endSegment: end } : {}),
      width: profile.width,
      height: profile.height,
      fps: profile.fps,
      maxBitrateKbps: profile.maxBitrateKbps,
      hasAudio: this.init.hasAudio,
      ...this.init.encode,
    });
    const run = runFfmpeg(args, {
      onProgress: (p) => {
        this.speed = p.speed;
        this.emit({ type: "ProgressUpdate", segmentsDone: this.finished.size, segments: this.segments, speed: p.speed });
      },
    });
    const encoder: EncoderRun = { run, start, end, highest: start - 1, paused: false };
    this.encoder = encoder;
    run.done.then(
      () => this.onEncoderExit(encoder, null),
      (error: Error) => this.onEncoderExit(encoder, error),
    );
  }

  private async onEncoderExit(encoder: EncoderRun, error: Error | null): Promise<void> {
    if (this.encoder !== encoder) return; // replaced by a restart, or stopped: killed on purpose
    await this.scan();
    this.encoder = null;
    if (encoder.highest < encoder.start) {
      // Ended without finishing a single segment (crashed, or decoded nothing): once may be bad
      // luck, twice is the source. Never loop on it.
      if (++this.failures >= 2) return this.fail(`the source could not be transcoded: ${error?.message ?? "ffmpeg produced no segment"}`);
    } else this.failures = 0;
    // A crash mid-run is repaired at once for whoever waits, else on the next request.
    const waited = [...this.waiters.entries()].filter(([, set]) => set.size > 0).map(([index]) => index);
    if (error && waited.length) this.startEncoder(Math.max(0, Math.min(...waited)));
    else if (!error) this.keepAhead();
  }

  /** Starts the next missing stretch when viewers will want it, parks the encoder when far ahead. */
  private keepAhead(): void {
    const wanted = this.furthest + this.init.timing.aheadSegments;
    const e = this.encoder;
    if (e) {
      if (!e.paused && e.highest >= wanted) {
        e.run.pause();
        e.paused = true;
      } else if (e.paused && e.highest < wanted) this.resume();
      return;
    }
    const next = this.firstMissing(this.furthest);
    if (next !== undefined && next <= wanted) return this.startEncoder(next);
    // Nothing wanted ahead: fill the holes a seek left behind, so the package completes and the
    // video becomes ready in storage (the session still stops when its last lease lapses).
    if (next === undefined) {
      const hole = this.firstMissing(0);
      if (hole !== undefined) this.startEncoder(hole);
    }
  }

  private resume(): void {
    if (!this.encoder?.paused) return;
    this.encoder.run.resume();
    this.encoder.paused = false;
  }

  private firstMissing(from: number): number | undefined {
    for (let i = from; i < this.segments; i++) if (!this.finished.has(i) && !this.stored.has(i)) return i;
    return undefined;
  }

  // --- readiness -------------------------------------------------------------------------------

  private scanning: Promise<void> | null = null;

  private scan(): Promise<void> {
    this.scanning ??= this.readDir().finally(() => (this.scanning = null));
    return this.scanning;
  }

  private async readDir(): Promise<void> {
    const names = await readdir(this.init.workDir).catch(() => [] as string[]);
    // ffmpeg writes init.mp4 without a temp file; it is complete once any segment is.
    const anySegment = names.some((name) => /^seg_\d{5}\.m4s$/.test(name));
    for (const name of names) {
      const index = name === SESSION_INIT ? (anySegment ? INIT_INDEX : undefined) : /^seg_(\d{5})\.m4s$/.test(name) ? Number(name.slice(4, 9)) : undefined;
      if (index === undefined || this.finished.has(index)) continue;
      this.finished.add(index);
      if (this.encoder && index > this.encoder.highest && index < this.encoder.end) this.encoder.highest = index;
      if (index >= 0) this.emit({ type: "SegmentReady", index });
      this.wake(index);
      this.persist(index);
      if (index >= 0 && !this.hashing) {
        this.hashing = true;
        this.init.storagePrefix().then(
          (prefix) => this.adoptStored(prefix),
          (error: Error) => console.warn(`session ${this.id}: hashing the source failed, nothing will be stored: ${error.message}`),
        );
      }
    }
    this.keepAhead();
  }

  private waitFor(index: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const set = this.waiters.get(index) ?? new Set();
      this.waiters.set(index, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (this.finished.has(index)) resolve();
        else if (this.status === "failed") reject(new Error(this.error));
        else reject(new SegmentNotReadyError(index));
      };
      const timer = setTimeout(done, this.init.timing.waitMs);
      set.add(done);
      void this.scan();
    });
  }

  private wake(index: number): void {
    for (const done of [...(this.waiters.get(index) ?? [])]) done();
  }

  private wakeAll(): void {
    for (const index of [...this.waiters.keys()]) this.wake(index);
  }

  private fail(message: string): void {
    this.status = "failed";
    this.error = message;
    this.emit({ type: "TranscodeFailed", error: message });
    this.wakeAll();
  }

  // --- persistence -----------------------------------------------------------------------------

  private fileOf(index: number): string {
    return index === INIT_INDEX ? SESSION_INIT : segmentFileName(index);
  }

  private storageKeyOf(index: number): string {
    return `${this.prefix}/${this.init.profile.name}/${this.fileOf(index)}`;
  }

  /** Segments an earlier session already stored count as finished work: never encoded again. */
  private async adoptStored(prefix: string): Promise<void> {
    this.prefix = prefix;
    const keys = await this.init.storage.list(`${prefix}/${this.init.profile.name}`).catch(() => [] as string[]);
    for (const key of keys) {
      const name = key.slice(key.lastIndexOf("/") + 1);
      if (name === SESSION_INIT) this.stored.add(INIT_INDEX);
      else if (/^seg_\d{5}\.m4s$/.test(name)) this.stored.add(Number(name.slice(4, 9)));
    }
    if (this.encoder && this.encoder.end > this.encoder.start + 1) {
      // The running stretch may now reach into stored work: let it stop at the first stored segment.
      const firstStored = [...this.stored].filter((i) => i > this.encoder!.highest).sort((a, b) => a - b)[0];
      if (firstStored !== undefined && firstStored < this.encoder.end) this.encoder.end = firstStored;
    }
    for (const index of this.finished) this.persist(index);
  }

  private persist(index: number): void {
    if (!this.prefix || this.stored.has(index)) return;
    const prefix = this.prefix;
    this.persisting = this.persisting.then(async () => {
      if (this.stored.has(index) || this.status === "stopped") return;
      const path = join(this.init.workDir, this.fileOf(index));
      if (!(await stat(path).catch(() => null))) return;
      await this.init.storage.put(this.storageKeyOf(index), await readFile(path));
      this.stored.add(index);
      if (this.stored.size === this.segments + 1 && this.status === "running") await this.complete(prefix);
    });
    this.persisting.catch((error: Error) => console.warn(`session ${this.id}: storing segment ${index} failed: ${error.message}`));
  }

  private async complete(prefix: string): Promise<void> {
    const { storage, profile } = this.init;
    await storage.put(`${prefix}/${profile.name}/index.m3u8`, this.mediaPlaylist());
    if (await storage.head(`${prefix}/master.m3u8`)) {
      // A packaging job already published this source: its ladder stands; ours stays beside it.
      this.status = "completed";
      this.emit({ type: "TranscodeCompleted", storagePrefix: prefix });
      return;
    }
    const meta = {
      version: 2,
      sha256: prefix,
      source: { durationSec: this.init.durationSec },
      origin: "on-demand-session",
      renditions: [{ name: profile.name, width: profile.width, height: profile.height }],
      thumbnails: null,
      createdAt: new Date().toISOString(),
    };
    await storage.put(`${prefix}/meta.json`, JSON.stringify(meta, null, 2));
    await storage.put(`${prefix}/master.m3u8`, this.masterPlaylist());
    this.status = "completed";
    this.emit({ type: "ManifestUpdated", storagePrefix: prefix });
    this.emit({ type: "TranscodeCompleted", storagePrefix: prefix });
  }

  get storagePrefix(): string | undefined {
    return this.status === "completed" ? this.prefix : undefined;
  }

  private emit(event: SessionEvent): void {
    this.init.onEvent?.(event);
  }
}
