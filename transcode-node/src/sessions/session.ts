// One on-demand session: a source encoded to one profile, segment by segment, for every viewer who
// holds a lease on it. Hand-written: this is the part no library does (the Jellyfin model, without
// its known failures).
// - The full VOD playlist exists from the start (vod-playlist.ts); a segment request is served at
//   once when the segment is finished, waits (bounded) when a running encoder will reach it soon,
//   and otherwise starts an encoder run at that segment (session-args.ts keeps runs on the grid).
//   Up to `maxRuns` runs go at once, so viewers far apart in one video do not take turns killing
//   each other's encoder; past that, the run nobody waits on (and least recently wanted) makes way.
// - A segment is finished when its final file exists: ffmpeg writes `.tmp` and renames on close
//   (temp_file), and a restarted run is killed with SIGKILL so no half segment is ever renamed.
// - Each run stays `aheadSegments` ahead of the furthest viewer following it, parked with SIGSTOP beyond.
// - Finished segments are copied to storage as they come; when all are there, the playlists and
//   meta.json follow (master last) and the video is a regular package.
import { watch, type FSWatcher } from "node:fs";
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { INIT_SEGMENT, MASTER_PLAYLIST, MEDIA_PLAYLIST, META_FILE, parseSegmentName, SEGMENT_NAME, segmentName, type Backend, type NodeSessionState, type PackageMeta, type StorageDriver } from "@edgestream/contracts";
import { CancelledError } from "../errors.ts";
import { runFfmpeg, type FfmpegRun } from "../ffmpeg-process.ts";
import { buildSessionArgs, type SessionEncode } from "./session-args.ts";
import { buildSessionMeta } from "./session-meta.ts";
import { buildSessionMasterPlaylist, buildSessionMediaPlaylist, segmentCount } from "./vod-playlist.ts";

export type SessionStatus = NodeSessionState["status"];

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
  /** Encoder runs one session may have going at once (viewers far apart); default 2. */
  maxRuns?: number;
}

export interface SessionInit {
  id: string;
  key: string;
  input: string;
  workDir: string;
  durationSec: number;
  /** The probed source, recorded in the meta.json of the finished package. */
  source: PackageMeta["source"];
  hasAudio: boolean;
  segmentSeconds: number;
  profile: SessionProfile;
  timing: SessionTiming;
  storage: StorageDriver;
  /** The content address (SHA-256 of the source); asked for once the first segment is out, so
   *  hashing a large source never competes with the encoder for the first play. */
  storagePrefix: () => Promise<string>;
  encode?: Pick<SessionEncode, "backend" | "device" | "inputFormat">;
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
  wantedAt: number; // when a request last needed this run
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
  private runs: EncoderRun[] = [];
  /** The last segment each lease asked for: who follows which run, and how far ahead to encode. */
  private readonly positions = new Map<string, number>();
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

  /** The running encoders' process ids (operators, and the tests). */
  get encoderPids(): number[] {
    return this.runs.map((r) => r.run.pid).filter((pid): pid is number => pid !== undefined);
  }

  get backend(): Backend {
    return this.init.encode?.backend ?? "software";
  }

  get leaseCount(): number {
    return this.leases.size;
  }

  /** Segments the encoders are ahead of the viewers following them (the largest lead; 0 when idle). */
  get segmentsAhead(): number {
    return Math.max(0, ...this.runs.map((r) => r.highest - (this.followerPosition(r) ?? r.start)));
  }

  get progress(): number {
    return this.finished.size / this.segments;
  }

  async start(lease: string, now: number): Promise<void> {
    await mkdir(this.init.workDir, { recursive: true });
    this.watcher = watch(this.init.workDir, () => void this.scan());
    this.touch(lease, now);
    this.startRun(0);
  }

  touch(lease: string, now: number): void {
    this.leases.set(lease, now);
  }

  release(lease: string): void {
    this.leases.delete(lease);
    this.positions.delete(lease);
  }

  /** Drops leases not renewed within `timeoutMs`; true when none is left. */
  dropLapsed(now: number, timeoutMs: number): boolean {
    for (const [lease, seen] of this.leases) {
      if (now - seen > timeoutMs) {
        this.leases.delete(lease);
        this.positions.delete(lease);
      }
    }
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
  async locate(index: number, lease = ""): Promise<{ path: string } | { storageKey: string }> {
    if (this.status === "failed") throw new Error(this.error ?? "the session failed");
    if (index !== INIT_INDEX && (index < 0 || index >= this.segments)) throw new RangeError(`no segment ${index}`);
    if (index >= 0) this.positions.set(lease, index);
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
    const runs = this.runs;
    this.runs = [];
    for (const r of runs) r.run.abort(this.init.timing.stopGraceMs);
    await Promise.all(runs.map((r) => r.run.done.catch(() => {})));
    for (const set of this.waiters.values()) for (const wake of set) wake();
    await this.persisting.catch(() => {});
    await rm(this.init.workDir, { recursive: true, force: true });
  }

  // --- encoder control -------------------------------------------------------------------------

  /** Decides, for a request of segment `index` that is not finished, whether to wait or start a run. */
  private steer(index: number): void {
    if (index === INIT_INDEX) {
      if (this.runs.length === 0) this.startRun(this.firstMissing(0) ?? 0);
      return;
    }
    const near = this.runs.find((r) => index >= r.highest + 1 && index < r.end && index - (r.highest + 1) <= this.init.timing.restartDistance);
    if (near) {
      near.wantedAt = Date.now();
      if (near.paused) this.resume(near);
      return;
    }
    this.startRun(index);
  }

  /**
   * Starts a run at `start`. Runs that no viewer follows any more (it seeked away) and nobody waits
   * on stop first, so a seek gets the machine to itself; past `maxRuns`, the run nobody waits on,
   * least recently wanted, makes way.
   */
  private startRun(start: number): void {
    if (this.status !== "running") return;
    // A run whose stretch reaches `start` now ends there: the new run takes over from it.
    for (const r of this.runs) if (r.start < start && start < r.end) r.end = start;
    for (const r of [...this.runs]) {
      if (this.followerPosition(r) === undefined && !this.hasWaiters(r)) {
        r.run.kill();
        this.runs = this.runs.filter((x) => x !== r);
      }
    }
    if (this.runs.length >= (this.init.timing.maxRuns ?? 2)) {
      const victim = [...this.runs].sort((a, b) => Number(this.hasWaiters(a)) - Number(this.hasWaiters(b)) || a.wantedAt - b.wantedAt)[0]!;
      victim.run.kill();
      this.runs = this.runs.filter((r) => r !== victim);
    }
    // A run stops before work that exists: finished, stored, or where another run began.
    let end = start + 1;
    while (end < this.segments && !this.finished.has(end) && !this.stored.has(end) && !this.runs.some((r) => r.start === end)) end++;
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
    const encoder: EncoderRun = { run, start, end, highest: start - 1, paused: false, wantedAt: Date.now() };
    this.runs.push(encoder);
    run.done.then(
      () => this.onRunExit(encoder, null),
      (error: Error) => this.onRunExit(encoder, error),
    );
  }

  private async onRunExit(encoder: EncoderRun, error: Error | null): Promise<void> {
    if (!this.runs.includes(encoder)) return; // made way for another run, finished its stretch, or stopped
    await this.scan();
    this.runs = this.runs.filter((r) => r !== encoder);
    if (encoder.highest < encoder.start) {
      // Ended without finishing a single segment (crashed, or decoded nothing): once may be bad
      // luck, twice is the source. Never loop on it.
      if (++this.failures >= 2) return this.fail(`the source could not be transcoded: ${error?.message ?? "ffmpeg produced no segment"}`);
    } else this.failures = 0;
    // A crash mid-run is repaired at once for whoever waits, else on the next request.
    const waited = [...this.waiters.entries()].filter(([index, set]) => set.size > 0 && index >= encoder.start && index < encoder.end).map(([index]) => index);
    if (error && waited.length) this.startRun(Math.max(0, Math.min(...waited)));
    else if (!error) this.keepAhead();
  }

  /** The furthest position of the viewers following a run (inside its stretch), if any. */
  private followerPosition(r: EncoderRun): number | undefined {
    let best: number | undefined;
    for (const p of this.positions.values()) if (p >= r.start && p < r.end && (best === undefined || p > best)) best = p;
    return best;
  }

  private hasWaiters(r: EncoderRun): boolean {
    for (const [index, set] of this.waiters) if (set.size > 0 && index >= r.start && index < r.end) return true;
    return false;
  }

  /**
   * Parks a run far enough ahead of its viewers and wakes it when they catch up; starts a run for a
   * viewer about to reach missing segments; when nothing is wanted, fills the holes seeks left so
   * the package completes (the session still stops when its last lease lapses).
   */
  private keepAhead(): void {
    const ahead = this.init.timing.aheadSegments;
    for (const r of this.runs) {
      const wanted = (this.followerPosition(r) ?? r.start) + ahead;
      if (!r.paused && r.highest >= wanted) {
        r.run.pause();
        r.paused = true;
      } else if (r.paused && r.highest < wanted) this.resume(r);
    }
    if (this.runs.length >= (this.init.timing.maxRuns ?? 2)) return;
    for (const p of [...new Set(this.positions.values())].sort((a, b) => a - b)) {
      const next = this.firstMissing(p);
      if (next !== undefined && next <= p + ahead && !this.runs.some((r) => next >= r.start && next < r.end)) return this.startRun(next);
    }
    if (this.runs.length === 0) {
      const hole = this.firstMissing(0);
      if (hole !== undefined) this.startRun(hole);
    }
  }

  private resume(r: EncoderRun): void {
    if (!r.paused) return;
    r.run.resume();
    r.paused = false;
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
    const anySegment = names.some((name) => SEGMENT_NAME.test(name));
    for (const name of names) {
      const index = name === INIT_SEGMENT ? (anySegment ? INIT_INDEX : undefined) : parseSegmentName(name);
      if (index === undefined || this.finished.has(index)) continue;
      this.finished.add(index);
      for (const r of this.runs) if (index > r.highest && index >= r.start && index < r.end) r.highest = index;
      if (index >= 0) this.emit({ type: "SegmentReady", index });
      this.wake(index);
      this.persist(index);
      if (index >= 0 && !this.hashing) {
        this.hashing = true;
        this.init.storagePrefix().then(
          (prefix) => this.adoptStored(prefix),
          (error: Error) => {
            if (!(error instanceof CancelledError)) console.warn(`session ${this.id}: hashing the source failed, nothing will be stored: ${error.message}`);
          },
        );
      }
    }
    for (const r of [...this.runs]) {
      if (r.highest + 1 >= r.end && r.end < this.segments) {
        // Its stretch is done (another run, or stored work, took over the rest): it made way.
        r.run.kill();
        this.runs = this.runs.filter((x) => x !== r);
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
    return index === INIT_INDEX ? INIT_SEGMENT : segmentName(index);
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
      const index = name === INIT_SEGMENT ? INIT_INDEX : parseSegmentName(name);
      if (index !== undefined) this.stored.add(index);
    }
    for (const r of this.runs) {
      // A running stretch may now reach into stored work: let it stop at the first stored segment.
      const firstStored = [...this.stored].filter((i) => i > r.highest).sort((a, b) => a - b)[0];
      if (firstStored !== undefined && firstStored < r.end) r.end = firstStored;
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
    await storage.put(`${prefix}/${profile.name}/${MEDIA_PLAYLIST}`, this.mediaPlaylist());
    if (await storage.head(`${prefix}/${MASTER_PLAYLIST}`)) {
      // A packaging job already published this source: its ladder stands; ours stays beside it.
      this.status = "completed";
      this.emit({ type: "TranscodeCompleted", storagePrefix: prefix });
      return;
    }
    const { source, segmentSeconds, hasAudio } = this.init;
    const meta = buildSessionMeta({ sha256: prefix, source, segmentSeconds, segments: this.segments, backend: this.backend, hasAudio, profile }, new Date());
    await storage.put(`${prefix}/${META_FILE}`, JSON.stringify(meta, null, 2));
    await storage.put(`${prefix}/${MASTER_PLAYLIST}`, this.masterPlaylist());
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
