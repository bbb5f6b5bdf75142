// A long-running entry (`npm start`, `npm run node`, …) as a real child process in a process group
// of its own, so a test can signal it alone or its whole group, and read what it printed.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { processTree } from "./processes.ts";

export { freePort } from "../../worker/src/testing/free-port.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface EntryProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the group and to every process seen below it: the test's own clean-up on failure. */
  destroy(): Promise<void>;
}

export function startEntry(command: string, args: string[], env: Record<string, string>): EntryProcess {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const watchers = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of watchers) check();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const seen = new Set<number>();
  return {
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          watchers.delete(check);
          resolve(match);
        };
        watchers.add(check);
        check();
        void exited.then(({ code, signal }) => {
          if (!watchers.has(check)) return;
          watchers.delete(check);
          reject(new Error(`${command} ${args.join(" ")} exited (${code ?? signal}) before printing ${pattern}:\n${output}`));
        });
      });
    },
    async destroy() {
      for (const p of await processTree(child.pid!)) seen.add(p.pid);
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // the group is already gone
      }
      for (const pid of seen) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    },
  };
}

/** Whether a port on 127.0.0.1 can be bound (nothing of the stopped stack holds it). */
export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
