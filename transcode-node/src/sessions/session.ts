// One on-demand session: a source encoded to one profile, segment by segment, for every viewer who
// holds a lease on it (the Jellyfin model, without its known failures). This file keeps the state
// and carries out decisions; what to start, follow, park, wake or kill is decided by scheduler.ts
// (pure), the ffmpeg processes are encoder-run.ts, and storage is segment-store.ts.
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
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { INIT_SEGMENT, MASTER_PLAYLIST, MEDIA_PLAYLIST, META_FILE, parseSegmentName, SEGMENT_NAME, segmentName, type Backend, type NodeSessionState, type PackageMeta, type StorageDriver } from "@edgestream/contracts";
import { CancelledError } from "../errors.ts";
import { CopyRun, type CopyResult } from "./copy-run.ts";
import { launchRun, park, wake, type EncoderRun } from "./encoder-run.ts";
import { doneStretches, endsAtStored, INIT_INDEX, keepAhead, onRunExit, planStart, segmentsAhead, steer, type Snapshot } from "./scheduler.ts";
import type { SessionEncode } from "./session-args.ts";
import { buildSessionMeta } from "./session-meta.ts";
import { makeSessionThumbnails } from "./session-thumbnails.ts";
import { publishSessionPackage, SegmentStore, sessionFileName } from "./segment-store.ts";
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
  encode?: Pick<SessionEncode, "backend" | "device" | "inputFormat" | "video" | "audioStream">;
  /** Copy mode: a browser-safe source is remuxed, not encoded (copy-run.ts); `codecs` is the source's. */
  copy?: { copyAudio: boolean; codecs: string };
  /** A viewer starts waiting on this session; the returned function says it stopped (the node holds
   *  its packaging jobs meanwhile: service/viewer-first.ts). */
  onViewerWait?: () => () => void;
  onEvent?: (event: SessionEvent) => void;
}

export class SegmentNotReadyError extends Error {
  constructor(readonly index: number) {
    super(`segment ${index} is not ready yet`);
    this.name = "SegmentNotReadyError";
  }
}

export class Session {
  readonly id: string;
  readonly key: string;
  /** From the duration on our grid; in copy mode, from ffmpeg's playlist once the remux is done. */
  segments: number;
  status: SessionStatus = "running";
  error: string | undefined;
  speed = 0;
  private readonly leases = new Map<string, number>();
  private readonly finished = new Set<number>();
  private readonly waiters = new Map<number, Set<() => void>>();
  private runs: EncoderRun[] = [];
  /** The last segment each lease asked for: who follows which run, and how far ahead to encode. */
  private readonly positions = new Map<string, number>();
  private failures = 0;
  private watcher: FSWatcher | null = null;
  private readonly store: SegmentStore;
  private hashing = false;
  /** Copy mode: the one remux. */
  private copyRun: CopyRun | undefined;

  constructor(private readonly init: SessionInit) {
    this.id = init.id;
    this.key = init.key;
    this.segments = segmentCount(init.durationSec, init.segmentSeconds);
    this.store = new SegmentStore({
      sessionId: init.id,
      storage: init.storage,
      workDir: init.workDir,
      profile: init.profile,
      // A copy's segment count is only known once the remux is done: nothing completes before.
      segments: () => (this.init.copy && !this.copyRun?.result ? Number.POSITIVE_INFINITY : this.segments),
      storing: () => this.status !== "stopped",
      onAllStored: (prefix) => (this.status === "running" ? this.complete(prefix) : Promise.resolve()),
    });
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

  /** When each lease was last renewed (attach, segment request or heartbeat), for operators and tests. */
  get leaseRenewals(): Record<string, string> {
    return Object.fromEntries([...this.leases].map(([lease, at]) => [lease, new Date(at).toISOString()]));
  }

  /** When a lease was last renewed (ms): how recently someone used the session. */
  get lastUsedAt(): number {
    return Math.max(0, ...this.leases.values());
  }

  /** Segments the encoders are ahead of the viewers following them (the largest lead; 0 when idle). */
  get segmentsAhead(): number {
    return segmentsAhead(this.positions.values(), this.runs);
  }

  get progress(): number {
    return this.finished.size / this.segments;
  }

  async start(lease: string, now: number): Promise<void> {
    await mkdir(this.init.workDir, { recursive: true });
    this.watcher = watch(this.init.workDir, () => void this.scan());
    this.touch(lease, now);
    if (this.init.copy) this.startCopy(now);
    else this.startRun(0);
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

  /** The full VOD playlist; in copy mode ffmpeg's own, once the remux is done (a bounded wait). */
  async mediaPlaylist(): Promise<string> {
    if (this.init.copy) return (await this.copyDone(0)).playlist;
    return buildSessionMediaPlaylist(this.init.durationSec, this.init.segmentSeconds);
  }

  masterPlaylist(): string {
    const { name, width, height, maxBitrateKbps } = this.init.profile;
    return buildSessionMasterPlaylist(name, maxBitrateKbps * 1000, width, height, this.init.hasAudio, this.init.copy?.codecs);
  }

  /** Where segment `index` (or the init segment, -1) can be read: a local file or a storage key. */
  async locate(index: number, lease = ""): Promise<{ path: string } | { storageKey: string }> {
    if (this.status === "failed") throw new Error(this.error ?? "the session failed");
    if (this.init.copy) await this.copyDone(index);
    if (index !== INIT_INDEX && (index < 0 || index >= this.segments)) throw new RangeError(`no segment ${index}`);
    if (index >= 0) this.positions.set(lease, index);
    if (!this.finished.has(index) && this.store.stored.has(index) && this.store.prefix) return { storageKey: this.store.keyOf(index) };
    if (!this.finished.has(index)) {
      this.steer(index);
      await this.waitFor(index);
    }
    this.keepAhead();
    return { path: join(this.init.workDir, sessionFileName(index)) };
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
    await this.store.settled();
    await rm(this.init.workDir, { recursive: true, force: true });
  }

  // --- carrying out the scheduler's decisions ---------------------------------------------------

  private snapshot(): Snapshot<EncoderRun> {
    const waiting = new Set<number>();
    for (const [index, set] of this.waiters) if (set.size > 0) waiting.add(index);
    const { aheadSegments, restartDistance, maxRuns } = this.init.timing;
    return {
      segments: this.segments,
      finished: this.finished,
      stored: this.store.stored,
      positions: [...this.positions.values()],
      waiting,
      runs: this.runs,
      aheadSegments,
      restartDistance,
      maxRuns: maxRuns ?? 2,
    };
  }

  /** A request for segment `index` that is not finished: follow a run about to reach it, or start one. */
  private steer(index: number): void {
    if (this.init.copy) return; // one run to the end: nothing to steer
    const decision = steer(this.snapshot(), index);
    if (decision.type === "start") this.startRun(decision.at);
    else if (decision.type === "follow") {
      decision.run.wantedAt = Date.now();
      wake(decision.run);
    }
  }

  private kill(runs: EncoderRun[]): void {
    for (const r of runs) r.run.kill();
    this.runs = this.runs.filter((r) => !runs.includes(r));
  }

  private startRun(start: number): void {
    if (this.status !== "running") return;
    const plan = planStart(this.snapshot(), start);
    for (const { run, end } of plan.shorten) run.end = end;
    this.kill(plan.kill);
    const { profile, segmentSeconds } = this.init;
    const encoder = launchRun(
      {
        input: this.init.input,
        outDir: this.init.workDir,
        segmentSeconds,
        width: profile.width,
        height: profile.height,
        fps: profile.fps,
        maxBitrateKbps: profile.maxBitrateKbps,
        hasAudio: this.init.hasAudio,
        ...this.init.encode,
      },
      { start, end: plan.end, segments: this.segments, now: Date.now() },
      (p) => {
        this.speed = p.speed;
        this.emit({ type: "ProgressUpdate", segmentsDone: this.finished.size, segments: this.segments, speed: p.speed });
      },
    );
    this.runs.push(encoder);
    encoder.run.done.then(
      () => this.onRunExit(encoder, null),
      (error: Error) => this.onRunExit(encoder, error),
    );
  }

  /** Copy mode: the one remux, source start to end; its playlist replaces our grid's when done. */
  private startCopy(now: number): void {
    const { input, workDir, segmentSeconds, hasAudio, copy } = this.init;
    const format = this.init.encode?.inputFormat;
    const audioStream = this.init.encode?.audioStream;
    const spec = { input, outDir: workDir, segmentSeconds, hasAudio, copyAudio: copy!.copyAudio, ...(format ? { inputFormat: format } : {}), ...(audioStream !== undefined ? { audioStream } : {}) };
    const run: CopyRun = new CopyRun(spec, now, (p) => (this.speed = p.speed), {
      onDone: async (result) => {
        this.runs = this.runs.filter((r) => r !== run.encoder);
        this.segments = result.segments;
        await this.scan();
        this.store.recheck();
      },
      onFailed: (error) => {
        this.runs = this.runs.filter((r) => r !== run.encoder);
        if (this.status === "running") this.fail(`the source could not be remuxed: ${error.message}`);
      },
    });
    this.copyRun = run;
    this.runs.push(run.encoder);
  }

  /** Waits (bounded like any segment request, holding the node's jobs meanwhile) for the remux. */
  private async copyDone(index: number): Promise<CopyResult> {
    const served = this.copyRun!.result ? undefined : this.init.onViewerWait?.();
    try {
      return await this.copyRun!.done(this.init.timing.waitMs, () => new SegmentNotReadyError(index));
    } catch (error) {
      if (error instanceof SegmentNotReadyError) throw error;
      throw new Error(this.error ?? (error as Error).message);
    } finally {
      served?.();
    }
  }

  private async onRunExit(encoder: EncoderRun, error: Error | null): Promise<void> {
    if (!this.runs.includes(encoder)) return; // made way for another run, finished its stretch, or stopped
    await this.scan();
    this.runs = this.runs.filter((r) => r !== encoder);
    const decision = onRunExit(encoder, error !== null, this.failures, this.snapshot().waiting);
    this.failures = decision.failures;
    if (decision.type === "fail") this.fail(`the source could not be transcoded: ${error?.message ?? "ffmpeg produced no segment"}`);
    else if (decision.type === "restart") this.startRun(decision.at);
    else if (decision.type === "keepAhead") this.keepAhead();
  }

  private keepAhead(): void {
    if (this.init.copy) return; // a remux is not worth parking
    const plan = keepAhead(this.snapshot());
    for (const r of plan.park) park(r);
    for (const r of plan.wake) wake(r);
    if (plan.start !== undefined) this.startRun(plan.start);
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
      this.store.persist(index);
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
    // A run whose stretch is done (another run, or stored work, took over the rest) made way.
    if (!this.init.copy) this.kill(doneStretches(this.snapshot()));
    this.keepAhead();
  }

  private waitFor(index: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const set = this.waiters.get(index) ?? new Set();
      this.waiters.set(index, set);
      const served = this.init.onViewerWait?.();
      const done = () => {
        clearTimeout(timer);
        served?.();
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

  /** Segments an earlier session already stored count as finished work: never encoded again. */
  private async adoptStored(prefix: string): Promise<void> {
    await this.store.adopt(prefix);
    // A running stretch may now reach into stored work: let it stop at the first stored segment.
    for (const { run, end } of endsAtStored(this.runs, this.store.stored)) run.end = end;
    for (const index of this.finished) this.store.persist(index);
  }

  private async complete(prefix: string): Promise<void> {
    const { storage, profile, source, segmentSeconds, hasAudio } = this.init;
    // A job's package already there keeps its own thumbnails; otherwise this one gets a poster and thumbnails too.
    const thumbnails = (await storage.head(`${prefix}/${MASTER_PLAYLIST}`))
      ? null
      : await makeSessionThumbnails({ storage, prefix, workDir: this.init.workDir, profile, segments: this.segments, segmentSeconds, durationSec: this.init.durationSec, mediaPlaylist: await this.mediaPlaylist() }).catch((error: Error) => {
          console.warn(`session ${this.id}: no thumbnails for the finished package: ${error.message}`);
          return null;
        });
    const copy = this.init.copy ? { codecs: this.init.copy.codecs } : {};
    const meta = buildSessionMeta({ sha256: prefix, source, segmentSeconds, segments: this.segments, backend: this.backend, hasAudio, profile, thumbnails, ...copy }, new Date());
    const published = await publishSessionPackage({ storage, prefix, profile, meta, mediaPlaylist: await this.mediaPlaylist(), masterPlaylist: this.masterPlaylist() });
    this.status = "completed";
    if (published) this.emit({ type: "ManifestUpdated", storagePrefix: prefix });
    this.emit({ type: "TranscodeCompleted", storagePrefix: prefix });
  }

  get storagePrefix(): string | undefined {
    return this.status === "completed" ? this.store.prefix : undefined;
  }

  private emit(event: SessionEvent): void {
    this.init.onEvent?.(event);
  }
}
