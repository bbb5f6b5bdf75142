// Real child processes for fault tests: a TypeScript entry run under tsx in a process group of its
// own (startEntry), so a test can SIGKILL it together with every ffmpeg it started, the way a crash would.
import { startEntry } from "../helpers/entry-process.ts";

export { groupMembers } from "../helpers/processes.ts";

export interface Child {
  pid: number;
  /** What the process wrote, both streams, for failure messages. */
  output(): string;
  /** Signals the whole group and waits until the process itself is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `entry` (relative to the repository root) and waits until a line of its output matches `ready`. */
export async function startChild(entry: string, env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<Child> {
  const proc = startEntry(process.execPath, ["--import", "tsx", entry], env);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${entry} did not print ${ready} within ${timeoutMs} ms:\n${proc.output()}`)), timeoutMs);
  });
  try {
    await Promise.race([proc.waitFor(ready), late]);
  } catch (error) {
    await proc.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    pid: proc.pid,
    output: proc.output,
    kill: async (signal) => {
      try {
        process.kill(-proc.pid, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
      }
      await proc.exited;
    },
  };
}
