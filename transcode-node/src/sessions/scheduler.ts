// Pure: every scheduling decision of an on-demand session — start a run, follow one, park or wake
// it, make way, stop where work exists, give up on a source — from a snapshot of what is finished,
// what is stored, where the viewers are and who waits. session.ts carries the decisions out
// (encoder-run.ts for the processes, segment-store.ts for storage); this file only decides.
// Hand-written on purpose: no library schedules segment encoders around viewer positions (HLS
// packagers and job queues work front to back; Jellyfin's transcode manager is C# and kills on every
// seek), so this is one of the two pieces the project writes itself, kept small and table-tested.

/** The init segment's index: wanted before any media segment, written by every run. */
export const INIT_INDEX = -1;

/** What the scheduler needs to know of one encoder run. `end` is exclusive. */
export interface RunView {
  start: number;
  end: number;
  /** Highest segment index this run has finished; start - 1 before the first. */
  highest: number;
  paused: boolean;
  /** When a request last needed this run (ms). */
  wantedAt: number;
}

export interface SchedulerLimits {
  /** Segments a run may go ahead of the furthest viewer following it before it is parked. */
  aheadSegments: number;
  /** A request further than this beyond a run's position starts a new run instead. */
  restartDistance: number;
  /** Runs one session may have going at once. */
  maxRuns: number;
}

export interface Snapshot<R extends RunView = RunView> extends SchedulerLimits {
  segments: number;
  finished: ReadonlySet<number>;
  stored: ReadonlySet<number>;
  /** The last segment each viewer asked for. */
  positions: Iterable<number>;
  /** Segment indices a request is waiting on. */
  waiting: ReadonlySet<number>;
  runs: readonly R[];
}

const within = (r: RunView, index: number) => index >= r.start && index < r.end;

export function firstMissing(s: Pick<Snapshot, "segments" | "finished" | "stored">, from: number): number | undefined {
  for (let i = from; i < s.segments; i++) if (!s.finished.has(i) && !s.stored.has(i)) return i;
  return undefined;
}

/** The furthest position of the viewers following a run (inside its stretch), if any. */
export function followerPosition(positions: Iterable<number>, r: RunView): number | undefined {
  let best: number | undefined;
  for (const p of positions) if (within(r, p) && (best === undefined || p > best)) best = p;
  return best;
}

export function hasWaiters(waiting: ReadonlySet<number>, r: RunView): boolean {
  for (const index of waiting) if (within(r, index)) return true;
  return false;
}

/** Segments the runs are ahead of the viewers following them (the largest lead; 0 when idle). */
export function segmentsAhead(positions: Iterable<number>, runs: readonly RunView[]): number {
  return Math.max(0, ...runs.map((r) => r.highest - (followerPosition(positions, r) ?? r.start)));
}

export type Steer<R> = { type: "wait" } | { type: "follow"; run: R } | { type: "start"; at: number };

/** A request for segment `index` that is not finished: wait for a run about to reach it, or start one there. */
export function steer<R extends RunView>(s: Snapshot<R>, index: number): Steer<R> {
  if (index === INIT_INDEX) return s.runs.length === 0 ? { type: "start", at: firstMissing(s, 0) ?? 0 } : { type: "wait" };
  const near = s.runs.find((r) => index >= r.highest + 1 && index < r.end && index - (r.highest + 1) <= s.restartDistance);
  return near ? { type: "follow", run: near } : { type: "start", at: index };
}

export interface StartPlan<R> {
  /** Runs whose stretch reached `start`: they now end there, the new run takes over. */
  shorten: { run: R; end: number }[];
  /** Runs that make way: nobody follows or waits on them, or the one over `maxRuns`. */
  kill: R[];
  /** The new run's end: before the first segment that exists (finished, stored, or where a run began). */
  end: number;
}

/**
 * Starting a run at `start`. Runs that no viewer follows any more (it seeked away) and nobody waits
 * on stop first, so a seek gets the machine to itself; past `maxRuns`, the run nobody waits on,
 * least recently wanted, makes way.
 */
export function planStart<R extends RunView>(s: Snapshot<R>, start: number): StartPlan<R> {
  const shorten = s.runs.filter((r) => r.start < start && start < r.end).map((run) => ({ run, end: start }));
  const endOf = (r: R) => shorten.find((x) => x.run === r)?.end ?? r.end;
  const view = (r: R): RunView => ({ ...r, end: endOf(r) });
  const positions = [...s.positions];
  const kill = s.runs.filter((r) => followerPosition(positions, view(r)) === undefined && !hasWaiters(s.waiting, view(r)));
  let left = s.runs.filter((r) => !kill.includes(r));
  if (left.length >= s.maxRuns) {
    const victim = [...left].sort((a, b) => Number(hasWaiters(s.waiting, view(a))) - Number(hasWaiters(s.waiting, view(b))) || a.wantedAt - b.wantedAt)[0]!;
    kill.push(victim);
    left = left.filter((r) => r !== victim);
  }
  let end = start + 1;
  while (end < s.segments && !s.finished.has(end) && !s.stored.has(end) && !left.some((r) => r.start === end)) end++;
  return { shorten: shorten.filter((x) => !kill.includes(x.run)), kill, end };
}

export interface AheadPlan<R> {
  park: R[];
  wake: R[];
  /** A run to start: a viewer is about to reach missing segments, or (nothing running) a hole to fill. */
  start?: number;
}

/**
 * Parks a run far enough ahead of its viewers and wakes it when they catch up; starts a run for a
 * viewer about to reach missing segments; when nothing is wanted, fills the holes seeks left so
 * the package completes (the session still stops when its last lease lapses).
 */
export function keepAhead<R extends RunView>(s: Snapshot<R>): AheadPlan<R> {
  const positions = [...s.positions];
  const park: R[] = [];
  const wake: R[] = [];
  for (const r of s.runs) {
    const wanted = (followerPosition(positions, r) ?? r.start) + s.aheadSegments;
    if (!r.paused && r.highest >= wanted) park.push(r);
    else if (r.paused && r.highest < wanted) wake.push(r);
  }
  if (s.runs.length >= s.maxRuns) return { park, wake };
  for (const p of [...new Set(positions)].sort((a, b) => a - b)) {
    const next = firstMissing(s, p);
    if (next !== undefined && next <= p + s.aheadSegments && !s.runs.some((r) => within(r, next))) return { park, wake, start: next };
  }
  if (s.runs.length === 0) {
    const hole = firstMissing(s, 0);
    if (hole !== undefined) return { park, wake, start: hole };
  }
  return { park, wake };
}

/** Runs whose stretch is done before the end of the source (another run, or stored work, took over the rest). */
export function doneStretches<R extends RunView>(s: Pick<Snapshot<R>, "runs" | "segments">): R[] {
  return s.runs.filter((r) => r.highest + 1 >= r.end && r.end < s.segments);
}

/** Where each run must now stop once `stored` is known: at the first stored segment past its position. */
export function endsAtStored<R extends RunView>(runs: readonly R[], stored: ReadonlySet<number>): { run: R; end: number }[] {
  const out: { run: R; end: number }[] = [];
  for (const run of runs) {
    const firstStored = [...stored].filter((i) => i > run.highest).sort((a, b) => a - b)[0];
    if (firstStored !== undefined && firstStored < run.end) out.push({ run, end: firstStored });
  }
  return out;
}

export type ExitDecision =
  | { type: "fail"; failures: number }
  | { type: "restart"; at: number; failures: number }
  | { type: "keepAhead"; failures: number }
  | { type: "none"; failures: number };

/**
 * A run ended on its own (not made way, not stopped). One that finished no segment may be bad luck
 * once; twice is the source: fail, never loop. A crash mid-run is repaired at once for whoever
 * waits on its stretch, else on the next request; a clean end looks ahead.
 */
export function onRunExit(run: RunView, crashed: boolean, failures: number, waiting: ReadonlySet<number>): ExitDecision {
  const count = run.highest < run.start ? failures + 1 : 0;
  if (count >= 2) return { type: "fail", failures: count };
  const waited = [...waiting].filter((index) => within(run, index));
  if (crashed && waited.length) return { type: "restart", at: Math.max(0, Math.min(...waited)), failures: count };
  return crashed ? { type: "none", failures: count } : { type: "keepAhead", failures: count };
}
