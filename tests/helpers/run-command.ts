// A command to completion, for tests that drive real tools (npm, tsc, vite, wrangler): rejects with
// its output when it fails. npm_* variables of an enclosing `npm test` are not passed on, so a nested
// npm works on its own folder, not on the workspace that started the run.
import { execFile } from "node:child_process";

export function runCommand(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: { ...inherited, NO_COLOR: "1", ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed (${error.code ?? error.signal}):\n${stdout}\n${stderr}`.slice(0, 8000)));
      else resolve({ stdout, stderr });
    });
  });
}
