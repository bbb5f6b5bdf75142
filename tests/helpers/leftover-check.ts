// The suite leaves nothing behind, checked: this run gets a marker in the environment every child
// inherits (EDGESTREAM_TEST_RUN=<id>) and a temp folder of its own (TMPDIR, so os.tmpdir() of every
// test and child points there). At the end, a process still carrying the marker or an `edgestream-*`
// folder still in that temp folder fails the run, named. Scoped to this run: other runs on the same
// machine have other markers and other temp folders.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processesMarked, RUN_MARKER, type ProcessInfo } from "./processes.ts";

/** A process being torn down by an awaited close() is gone within moments; this only bounds the wait. */
const SETTLE_MS = 5000;

export default function setup(): () => Promise<void> {
  const runId = randomUUID();
  // The demo's generated sample outlives runs on purpose (demo/sample-video.ts): its cache sits beside the run's folder.
  process.env["EDGESTREAM_SAMPLE_CACHE"] ??= join(tmpdir(), "edgestream-sample-cache");
  const runTmp = mkdtempSync(join(tmpdir(), "edgestream-run-"));
  process.env[RUN_MARKER] = runId;
  process.env["TMPDIR"] = runTmp;
  return async () => {
    let processes: ProcessInfo[] = [];
    const deadline = Date.now() + SETTLE_MS;
    do {
      // vitest's own workers carry the marker too, until the pool has shut down.
      processes = (await processesMarked(runId, [process.pid])).filter((p) => !p.cmdline.includes("/vitest/dist/"));
      if (processes.length > 0) await new Promise((r) => setTimeout(r, 200));
    } while (processes.length > 0 && Date.now() < deadline);
    const folders = (await readdir(runTmp)).filter((name) => name.startsWith("edgestream-"));
    await rm(runTmp, { recursive: true, force: true });
    if (processes.length === 0 && folders.length === 0) {
      console.log("leftover check: no process and no edgestream-* temp folder of this run is left");
      return;
    }
    const lines = [
      ...processes.map((p) => `  process ${p.pid} (state ${p.state}, parent ${p.ppid}): ${p.cmdline.slice(0, 200)}`),
      ...folders.map((name) => `  temp folder ${join(runTmp, name)}`),
    ];
    // Named, then ended: a failed run must not leave them for the next one on this machine.
    for (const p of processes) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    // vitest logs an error thrown here but still exits 0: set the exit code as well.
    process.exitCode = 1;
    throw new Error(`leftover check: this run left ${processes.length} process(es) and ${folders.length} temp folder(s) behind (the processes are now killed):\n${lines.join("\n")}`);
  };
}
