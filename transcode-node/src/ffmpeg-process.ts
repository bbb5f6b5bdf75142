// One ffmpeg process: progress parsed from `-progress pipe:1`, abort() that asks politely (`q` on
// stdin) then kills, and done that rejects with the args and the stderr tail attached.
import { spawn, type ChildProcess } from "node:child_process";
import { FfmpegError, toolMissing } from "./errors.ts";
import { ffmpegFailureMessage } from "./ffmpeg-stderr.ts";

export interface FfmpegProgress {
  /** Seconds of output written so far. */
  outTimeSec: number;
  /** Encoding speed as a multiple of realtime (0 when unknown). */
  speed: number;
  /** 0..1 when the duration is known. */
  fraction?: number;
}

export interface FfmpegRun {
  readonly done: Promise<void>;
  abort(graceMs?: number): void;
  /** SIGKILL at once: no `q`, so the muxer does not finalize a half-written segment under its final name. */
  kill(): void;
  /** SIGSTOP / SIGCONT: an on-demand session parks its encoder when it is far enough ahead. */
  pause(): void;
  resume(): void;
  readonly pid: number | undefined;
}

const STDERR_TAIL_BYTES = 4096;

/** Every ffmpeg still running: a forced exit (second signal, crash) kills them, parked ones included
 *  (SIGKILL ends a stopped process too), so no encoder outlives the node whatever the exit path. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export function runFfmpeg(
  args: readonly string[],
  options: { ffmpegPath?: string; durationSec?: number; onProgress?: (p: FfmpegProgress) => void; signal?: AbortSignal; cwd?: string; niceness?: number } = {},
): FfmpegRun {
  const ffmpeg = options.ffmpegPath ?? "ffmpeg";
  // Started through `nice` (which execs ffmpeg under the same pid) so every thread ffmpeg and its
  // encoders create inherits the priority: renicing a pid afterwards reaches one thread only.
  const [command, argv] = options.niceness ? ["nice", ["-n", String(options.niceness), ffmpeg, ...args]] : [ffmpeg, [...args]];
  const child = spawn(command, argv, { stdio: ["pipe", "pipe", "pipe"], ...(options.cwd ? { cwd: options.cwd } : {}) });
  live.add(child);
  child.once("close", () => live.delete(child)).once("error", () => live.delete(child));
  let stderrTail = "";
  let pending = "";
  let current: Partial<Record<string, string>> = {};

  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      const eq = line.indexOf("=");
      if (eq < 0) continue;
      const key = line.slice(0, eq);
      current[key] = line.slice(eq + 1);
      if (key === "progress") {
        options.onProgress?.(toProgress(current, options.durationSec));
        current = {};
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  child.stdin.on("error", () => {}); // ffmpeg may exit before reading a `q`

  let aborted = false;
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "ENOENT" ? toolMissing("ffmpeg") : error));
    child.once("close", (code, signal) => {
      if (code === 0 && !aborted) return resolve();
      const why = aborted ? "aborted" : signal ? `killed by ${signal}` : `exited with code ${code}`;
      reject(new FfmpegError(ffmpegFailureMessage(why, stderrTail, code), args, stderrTail, code));
    });
  });

  const handle: FfmpegRun = {
    done,
    pid: child.pid,
    kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      aborted = true;
      child.kill("SIGKILL");
    },
    pause() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGSTOP");
    },
    resume() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGCONT");
    },
    abort(graceMs = 5000) {
      if (child.exitCode !== null || aborted) return;
      aborted = true;
      child.kill("SIGCONT"); // a parked encoder cannot read its `q`
      child.stdin.end("q");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      child.once("close", () => clearTimeout(timer));
    },
  };
  if (options.signal) {
    if (options.signal.aborted) handle.abort();
    else {
      const onAbort = () => handle.abort();
      options.signal.addEventListener("abort", onAbort, { once: true });
      child.once("close", () => options.signal?.removeEventListener("abort", onAbort));
    }
  }
  return handle;
}

function toProgress(fields: Partial<Record<string, string>>, durationSec?: number): FfmpegProgress {
  const outUs = Number(fields["out_time_us"] ?? fields["out_time_ms"] ?? 0);
  const outTimeSec = Number.isFinite(outUs) && outUs > 0 ? outUs / 1e6 : 0;
  const speed = Number.parseFloat(fields["speed"] ?? "") || 0;
  const progress: FfmpegProgress = { outTimeSec, speed };
  if (durationSec && durationSec > 0) {
    progress.fraction = fields["progress"] === "end" ? 1 : Math.min(1, outTimeSec / durationSec);
  }
  return progress;
}
