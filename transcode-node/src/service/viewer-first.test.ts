// Jobs held while a viewer waits, with real ffmpeg processes and their state read from /proc.
import { afterEach, describe, expect, it } from "vitest";
import { processState, until } from "../../../tests/helpers/processes.ts";
import { runFfmpeg, type FfmpegRun } from "../ffmpeg-process.ts";
import { ViewerFirst } from "./viewer-first.ts";

const runs: FfmpegRun[] = [];
/** A long-running encode standing in for a packaging job's ffmpeg. */
function job(): FfmpegRun {
  const run = runFfmpeg(["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "600", "-c:v", "libx264", "-preset", "ultrafast", "-f", "null", "-"]);
  run.done.catch(() => {});
  runs.push(run);
  return run;
}
const stateOf = (run: FfmpegRun) => processState(run.pid!);
const becomes = (run: FfmpegRun, stopped: boolean) =>
  until(async () => (((await stateOf(run)) === "T") === stopped ? true : undefined), stopped ? "the job's ffmpeg to be stopped" : "the job's ffmpeg to run again", 30_000, 20);

afterEach(async () => {
  for (const run of runs.splice(0)) {
    run.kill();
    await run.done.catch(() => {});
  }
});

describe("ViewerFirst", () => {
  it("stops every job's ffmpeg while a viewer waits and resumes them when the last one is served", async () => {
    const first = new ViewerFirst();
    const [a, b] = [job(), job()];
    first.jobRun(a);
    first.jobRun(b);
    const one = first.viewerWaits();
    const two = first.viewerWaits();
    await becomes(a, true);
    await becomes(b, true);
    one();
    one(); // said twice: still one viewer waiting
    expect([await stateOf(a), await stateOf(b)]).toEqual(["T", "T"]);
    two();
    await becomes(a, false);
    await becomes(b, false);
  });

  it("holds a job that starts while a viewer waits, and leaves alone one it was told to forget", async () => {
    const first = new ViewerFirst();
    const gone = job();
    first.jobRun(gone)(); // registered, then forgotten (its packaging ended)
    const done = first.viewerWaits();
    const late = job();
    first.jobRun(late);
    await becomes(late, true);
    // The wait began before `late` was stopped: a stop sent to `gone` would have landed by now.
    expect(await stateOf(gone)).not.toBe("T");
    done();
    await becomes(late, false);
  });
});
