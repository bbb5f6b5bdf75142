// What a test can see of processes without timing anything: the children of a process, and how many
// bytes it has read so far, from /proc (Linux).
import { readFile } from "node:fs/promises";
import { listProcesses } from "../../../tests/helpers/processes.ts";

/** Process ids whose parent is `parent` (direct children, zombies included), from the one /proc reader. */
export async function childPids(parent = process.pid): Promise<number[]> {
  return (await listProcesses()).filter((p) => p.ppid === parent).map((p) => p.pid);
}

/** The command name of a process, or null when it is gone. */
export async function commandOf(pid: number): Promise<string | null> {
  return readFile(`/proc/${pid}/comm`, "utf8").then((s) => s.trim(), () => null);
}

/** Bytes a process has read through any read call so far (`rchar` of /proc/<pid>/io). */
export async function bytesRead(pid = process.pid): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, "utf8");
  return Number(/^rchar: (\d+)$/m.exec(io)?.[1]);
}
