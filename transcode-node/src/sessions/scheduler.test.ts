// The session scheduler's decisions, table by table: pure inputs (finished and stored segments,
// viewer positions, waiting requests, runs) → what to start, follow, park, wake or kill.
import { describe, expect, it } from "vitest";
import { doneStretches, endsAtStored, INIT_INDEX, keepAhead, onRunExit, planStart, segmentsAhead, steer, type RunView, type Snapshot } from "./scheduler.ts";

interface Run extends RunView {
  name: string;
}

const run = (name: string, start: number, end: number, highest: number, extra: Partial<RunView> = {}): Run => ({ name, start, end, highest, paused: false, wantedAt: 0, ...extra });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function snap(over: { runs?: Run[]; finished?: number[]; stored?: number[]; positions?: number[]; waiting?: number[]; maxRuns?: number } = {}): Snapshot<Run> {
  return {
    segments: 15,
    finished: new Set(over.finished ?? []),
    stored: new Set(over.stored ?? []),
    positions: over.positions ?? [],
    waiting: new Set(over.waiting ?? []),
    runs: over.runs ?? [],
    aheadSegments: 3,
    restartDistance: 2,
    maxRuns: over.maxRuns ?? 2,
  };
}

const names = (runs: Run[]) => runs.map((r) => r.name);

describe("steer: a request for a segment that is not finished", () => {
  const a = run("a", 0, 15, 3);
  it.each([
    ["the init segment with nothing running starts at 0", snap(), INIT_INDEX, { type: "start", at: 0 }],
    ["the init segment with nothing running starts at the first missing segment", snap({ finished: [0, 1, 2] }), INIT_INDEX, { type: "start", at: 3 }],
    ["the init segment while a run goes waits for it", snap({ runs: [a] }), INIT_INDEX, { type: "wait" }],
    ["the next segment of a run follows it", snap({ runs: [a] }), 4, { type: "follow", run: a }],
    ["a segment within the restart distance follows the run", snap({ runs: [a] }), 6, { type: "follow", run: a }],
    ["a segment past the restart distance starts a run there", snap({ runs: [a] }), 7, { type: "start", at: 7 }],
    ["a segment behind a run's position starts a run there", snap({ runs: [run("b", 5, 15, 8)] }), 2, { type: "start", at: 2 }],
    ["a segment past a run's stretch starts a run there", snap({ runs: [run("c", 0, 5, 3)] }), 5, { type: "start", at: 5 }],
  ])("%s", (_, s, index, expected) => {
    expect(steer(s, index)).toEqual(expected);
  });
});

describe("planStart: starting a run", () => {
  it.each([
    {
      why: "a followed run whose stretch reaches the start ends there",
      s: snap({ runs: [run("a", 0, 15, 3)], positions: [2] }),
      start: 12,
      plan: { shorten: [["a", 12]], kill: [], end: 15 },
    },
    {
      why: "a run nobody follows or waits on makes way (the viewer seeked away)",
      s: snap({ runs: [run("a", 0, 15, 3)], positions: [12] }),
      start: 12,
      plan: { shorten: [], kill: ["a"], end: 15 },
    },
    {
      why: "a run somebody waits on stays, even with no follower",
      s: snap({ runs: [run("a", 0, 15, 3)], waiting: [4] }),
      start: 12,
      plan: { shorten: [["a", 12]], kill: [], end: 15 },
    },
    {
      why: "past maxRuns, the run nobody waits on makes way",
      s: snap({ runs: [run("a", 0, 5, 1, { wantedAt: 1 }), run("b", 5, 10, 6, { wantedAt: 2 })], positions: [1, 6], waiting: [2] }),
      start: 12,
      plan: { shorten: [], kill: ["b"], end: 15 },
    },
    {
      why: "past maxRuns with nobody waiting, the least recently wanted run makes way",
      s: snap({ runs: [run("a", 0, 5, 1, { wantedAt: 9 }), run("b", 5, 10, 6, { wantedAt: 2 })], positions: [1, 6] }),
      start: 12,
      plan: { shorten: [], kill: ["b"], end: 15 },
    },
    {
      why: "the new run stops before a finished segment",
      s: snap({ finished: [9] }),
      start: 6,
      plan: { shorten: [], kill: [], end: 9 },
    },
    {
      why: "the new run stops before a stored segment",
      s: snap({ stored: [8, 9] }),
      start: 6,
      plan: { shorten: [], kill: [], end: 8 },
    },
    {
      why: "the new run stops where a kept run began",
      s: snap({ runs: [run("a", 10, 15, 11)], positions: [10] }),
      start: 6,
      plan: { shorten: [], kill: [], end: 10 },
    },
  ])("$why", ({ s, start, plan }) => {
    const result = planStart(s, start);
    expect({ shorten: result.shorten.map((x) => [x.run.name, x.end]), kill: names(result.kill), end: result.end }).toEqual(plan);
  });

  it("judges followers against the shortened stretch: a viewer beyond the new start no longer follows the old run", () => {
    const result = planStart(snap({ runs: [run("a", 0, 15, 3)], positions: [13] }), 12);
    expect(names(result.kill)).toEqual(["a"]);
    expect(result.shorten).toEqual([]);
  });
});

describe("keepAhead: parking, waking, and what to start next", () => {
  it.each([
    { why: "parks a run aheadSegments past its furthest follower", s: snap({ runs: [run("a", 0, 15, 5)], positions: [2] }), park: ["a"], wake: [], start: undefined },
    { why: "keeps a run short of that running", s: snap({ runs: [run("a", 0, 15, 4)], positions: [2] }), park: [], wake: [], start: undefined },
    { why: "wakes a parked run its viewer caught up with", s: snap({ runs: [run("a", 0, 15, 5, { paused: true })], positions: [3] }), park: [], wake: ["a"], start: undefined },
    { why: "leaves a parked run parked while it is far enough ahead", s: snap({ runs: [run("a", 0, 15, 5, { paused: true })], positions: [1] }), park: [], wake: [], start: undefined },
    { why: "measures a run nobody follows from its start (and starts one for the viewer behind it)", s: snap({ runs: [run("a", 6, 15, 9)], positions: [2] }), park: ["a"], wake: [], start: 2 },
    {
      why: "starts a run for a viewer about to reach a missing segment no run covers",
      s: snap({ runs: [run("a", 10, 15, 10)], finished: [3, 4], positions: [3, 10] }),
      park: [], wake: [], start: 5,
    },
    {
      why: "starts nothing for a viewer whose next missing segment is beyond aheadSegments",
      s: snap({ runs: [run("a", 10, 15, 10)], finished: range(3, 7), positions: [3, 10] }),
      park: [], wake: [], start: undefined,
    },
    {
      why: "starts nothing at maxRuns",
      s: snap({ runs: [run("a", 10, 15, 10), run("b", 0, 3, 1)], finished: [3, 4], positions: [3, 10] }),
      park: [], wake: [], start: undefined,
    },
    { why: "with nothing running and nobody watching, fills the first hole", s: snap({ finished: [...range(0, 7), ...range(8, 15)] }), park: [], wake: [], start: 7 },
    { why: "treats stored segments as done", s: snap({ finished: range(0, 7), stored: range(7, 15) }), park: [], wake: [], start: undefined },
  ])("$why", ({ s, park, wake, start }) => {
    const plan = keepAhead(s);
    expect({ park: names(plan.park), wake: names(plan.wake), start: plan.start }).toEqual({ park, wake, start });
  });
});

describe("stretches and stored work", () => {
  it("kills a run whose stretch is done before the end of the source, not one that reaches the end", () => {
    const s = snap({ runs: [run("a", 0, 5, 4), run("b", 5, 15, 14), run("c", 5, 10, 8)] });
    expect(names(doneStretches(s))).toEqual(["a"]);
  });

  it.each([
    { why: "ends a run at the first stored segment past its position", r: run("a", 0, 15, 3), stored: [2, 10, 8], end: 8 },
    { why: "leaves a run alone when stored work lies behind it", r: run("a", 0, 15, 3), stored: [1, 2], end: undefined },
    { why: "leaves a run alone when stored work lies past its end", r: run("a", 0, 6, 3), stored: [9], end: undefined },
  ])("$why", ({ r, stored, end }) => {
    expect(endsAtStored([r], new Set(stored)).map((x) => x.end)[0]).toBe(end);
  });

  it("reports the largest lead of a run over its followers, 0 when idle", () => {
    expect(segmentsAhead([2, 11], [run("a", 0, 10, 6), run("b", 10, 15, 12)])).toBe(4);
    expect(segmentsAhead([], [])).toBe(0);
  });
});

describe("onRunExit: a run that ended on its own", () => {
  it.each([
    { why: "a first run with no segment is bad luck: count it", r: run("a", 4, 15, 3), crashed: true, failures: 0, waiting: [], decision: { type: "none", failures: 1 } },
    { why: "a second run in a row with no segment fails the source", r: run("a", 4, 15, 3), crashed: true, failures: 1, waiting: [4], decision: { type: "fail", failures: 2 } },
    { why: "a crash mid-run restarts at the first segment waited on in its stretch", r: run("a", 4, 15, 6), crashed: true, failures: 1, waiting: [9, 7, 2], decision: { type: "restart", at: 7, failures: 0 } },
    { why: "a crash nobody waits on is repaired on the next request", r: run("a", 4, 15, 6), crashed: true, failures: 0, waiting: [2], decision: { type: "none", failures: 0 } },
    { why: "a clean end looks ahead", r: run("a", 4, 15, 14), crashed: false, failures: 0, waiting: [], decision: { type: "keepAhead", failures: 0 } },
    { why: "a clean end with no segment still counts against the source", r: run("a", 4, 15, 3), crashed: false, failures: 0, waiting: [], decision: { type: "keepAhead", failures: 1 } },
  ])("$why", ({ r, crashed, failures, waiting, decision }) => {
    expect(onRunExit(r, crashed, failures, new Set(waiting))).toEqual(decision);
  });
});
