// The viewer's encoder comes first: while a viewer waits on a segment of one of this node's sessions,
// every packaging job's ffmpeg is paused (SIGSTOP), and resumed (SIGCONT) once nobody waits. The rest
// of the time jobs run below sessions by priority (JOB_NICE). Pausing needs no privilege, and a wait
// is bounded (SESSION_WAIT_MS), so a job is never held for long.
import type { FfmpegRun } from "../ffmpeg-process.ts";

export class ViewerFirst {
  private waiting = 0;
  private readonly jobs = new Set<FfmpegRun>();

  /** Jobs are held while this is true. */
  get holding(): boolean {
    return this.waiting > 0;
  }

  /** A viewer starts waiting; the returned function (idempotent) says it stopped. */
  viewerWaits(): () => void {
    if (this.waiting++ === 0) for (const run of this.jobs) run.pause();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.waiting === 0) for (const run of this.jobs) run.resume();
    };
  }

  /** A job's ffmpeg run, held at once while a viewer waits; the returned function forgets it. */
  jobRun(run: FfmpegRun): () => void {
    this.jobs.add(run);
    if (this.holding) run.pause();
    return () => {
      this.jobs.delete(run);
    };
  }
}
