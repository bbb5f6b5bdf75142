// What a test can see of processes without timing anything: the children of a process, and how many
// bytes it has read so far, from /proc (Linux).
import { readdir, readFile } from "node:fs/promises";

/** Process ids whose parent is `parent` (direct children). */
export async function childPids(parent = process.pid): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    // The command name is in parentheses and may hold spaces: the ppid is the second field after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === parent) pids.push(Number(name));
  }
  return pids;
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
