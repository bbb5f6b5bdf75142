// Real child processes for fault tests: a TypeScript entry run under tsx in a process group of its
// own, so a test can SIGKILL it together with every ffmpeg it started, the way a crash would.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Child {
  pid: number;
  /** What the process wrote, both streams, for failure messages. */
  output(): string;
  /** Signals the whole group and waits until the process itself is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `entry` (relative to the repository root) and waits until a line of its output matches `ready`. */
export async function startChild(entry: string, env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    detached: true, // its own process group: a group signal reaches its ffmpeg children too
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const handle: Child = {
    pid: child.pid!,
    output: () => output,
    kill: async (signal) => {
      signalGroup(child, signal);
      await exited;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not print ${ready} within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      signalGroup(child, "SIGKILL");
      reject(new Error(`${entry} ${why}:\n${output}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
  });
  return handle;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Pids of live processes in a process group (from /proc), to show that a kill left nothing behind. */
export async function groupMembers(pgid: number): Promise<number[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    // pid (comm) state ppid pgrp …: comm may hold spaces, so split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") pids.push(Number(name));
  }
  return pids;
}
