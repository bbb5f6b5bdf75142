// The worker's Node entry in a process of its own, for the HTTP benchmarks: the load generator
// (autocannon, or the viewers' loop) runs in the bench process and must not share its event loop.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../tests/helpers/nginx.ts";

const WORKER_ENTRY = fileURLToPath(new URL("../worker/src/runtime/node.ts", import.meta.url));

/** `BENCH_CPU_PROF=<folder>` profiles the worker (`--cpu-prof`): a .cpuprofile there when it stops. */
export async function startWorkerProcess(env: Record<string, string>): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  const port = await freePort();
  const profile = process.env["BENCH_CPU_PROF"];
  const args = [...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : []), "--import", "tsx", WORKER_ENTRY];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (/listening on http/.test(output)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the worker exited with ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
