// The route suite against the Deno entry, run by the deno binary from npm (`deno task worker`'s command).
import { spawn } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDataDir } from "../helpers/stack.ts";
import { describeRoutes, SUITE_ENV } from "./route-suite.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DENO = join(ROOT, "node_modules", ".bin", "deno");

describeRoutes("Deno", async () => {
  const dataDir = await tempDataDir("deno-routes");
  const child = spawn(DENO, ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write", "--allow-ffi", "--allow-sys", "worker/src/runtime/deno.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...SUITE_ENV, EDGESTREAM_DATA_DIR: dataDir, PORT: "0", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: node_modules/.bin/deno is a Node wrapper that runs the real binary with
    // spawnSync, so a signal to the wrapper alone would leave deno running.
    detached: true,
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`deno exited with ${code} before listening:\n${output}`)));
  });
  return {
    url,
    seed: async (key, body) => {
      const path = join(dataDir, "storage", ...key.split("/"));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
