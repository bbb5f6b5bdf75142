// What a test can see of processes without timing anything: the children of a process, and how many
// bytes it has read so far, from /proc (Linux).
import { readdir, readFile } from "node:fs/promises";
import { listProcesses } from "../../../tests/helpers/processes.ts";

/** Process ids whose parent is `parent` (direct children, zombies included), from the one /proc reader. */
export async function childPids(parent = process.pid): Promise<number[]> {
  return (await listProcesses()).filter((p) => p.ppid === parent).map((p) => p.pid);
}

/** Whether a process exists (signal 0 reaches it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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

/** The CPU niceness of every thread of a process (`nice` of /proc/<pid>/task/<tid>/stat): priority is per thread on Linux. */
export async function threadNiceness(pid: number): Promise<number[]> {
  const tids = await readdir(`/proc/${pid}/task`);
  const stats = await Promise.all(tids.map((tid) => readFile(`/proc/${pid}/task/${tid}/stat`, "utf8").catch(() => null)));
  // Fields after the command's closing parenthesis start at field 3 (state); nice is field 19.
  return stats.filter((s): s is string => s !== null).map((s) => Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[16]));
}

/** Bytes read so far by a process and by those of its children whose command is in `commands`
 *  (a hashing child reads the file itself, through its own descriptor). */
export async function bytesReadWith(commands: ReadonlySet<string>, parent = process.pid): Promise<number> {
  const pids = await childPids(parent);
  const names = await Promise.all(pids.map(commandOf));
  const theirs = await Promise.all(pids.filter((_, i) => commands.has(names[i] ?? "")).map((pid) => bytesRead(pid).catch(() => 0)));
  return theirs.reduce((sum, n) => sum + n, await bytesRead(parent));
}
