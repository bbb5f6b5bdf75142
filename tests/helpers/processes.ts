// Processes seen through /proc (Linux): the tree under a process, one process's state, and the
// processes that carry this test run's environment marker. Tests judge leftovers by these, not by time.
import { readdir, readFile } from "node:fs/promises";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Process group. */
  pgrp: number;
  /** R, S, D, T (stopped, e.g. SIGSTOP), Z (exited, not yet reaped)… */
  state: string;
  /** The command line, NUL separators as spaces. */
  cmdline: string;
  /** CPU time used so far, user + system, in seconds (clock ticks of 1/100 s on Linux). */
  cpuSeconds: number;
}

/** The environment variable every process of one test run inherits (set by the global setup). */
export const RUN_MARKER = "EDGESTREAM_TEST_RUN";

async function read(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0").join(" ").trim();
    return { pid, ppid: Number(after[1]), pgrp: Number(after[2]), state: after[0]!, cmdline, cpuSeconds: (Number(after[11]) + Number(after[12])) / 100 };
  } catch {
    return undefined; // gone between the listing and the read
  }
}

export async function listProcesses(): Promise<ProcessInfo[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
  return (await Promise.all(pids.map(read))).filter((p): p is ProcessInfo => p !== undefined);
}

/** `root` and every process below it. */
export async function processTree(root: number): Promise<ProcessInfo[]> {
  const all = await listProcesses();
  const tree = all.filter((p) => p.pid === root);
  for (let i = 0; i < tree.length; i++) tree.push(...all.filter((p) => p.ppid === tree[i]!.pid));
  return tree;
}

/** Pids of live processes in a process group, to show that a kill of the group left nothing behind. */
export async function groupMembers(pgid: number): Promise<number[]> {
  return (await listProcesses()).filter((p) => p.pgrp === pgid && p.state !== "Z").map((p) => p.pid);
}

/** Running or stopped (not gone, not a zombie waiting to be reaped). */
export async function isAlive(pid: number): Promise<boolean> {
  const info = await read(pid);
  return info !== undefined && info.state !== "Z" && info.state !== "X";
}

export async function processState(pid: number): Promise<string | undefined> {
  return (await read(pid))?.state;
}

/** Live processes whose environment holds `RUN_MARKER=<value>` (our own user's only: others cannot be read). */
export async function processesMarked(value: string, except: readonly number[] = []): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const p of await listProcesses()) {
    if (except.includes(p.pid) || p.state === "Z") continue;
    const environ = await readFile(`/proc/${p.pid}/environ`, "utf8").catch(() => "");
    if (environ.split("\0").includes(`${RUN_MARKER}=${value}`)) found.push(p);
  }
  return found;
}

/** Polls `probe` until it returns a value (state, not time, decides; the bound only ends a hung test). */
export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
