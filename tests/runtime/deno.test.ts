// The route suite against the Deno entry, run as `deno task worker` by the real deno binary from npm,
// in a process group of its own: the stop signals the group, so the task and its `deno run` both go.
import { spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { denoBinary } from "../helpers/deno.ts";
import { tempDataDir } from "../helpers/stack.ts";
import { describeRoutes, SUITE_ENV } from "./route-suite.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describeRoutes("Deno", async () => {
  const dataDir = await tempDataDir("deno-routes");
  const child = spawn(denoBinary(), ["task", "worker"], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, ...SUITE_ENV, EDGESTREAM_DATA_DIR: dataDir, PORT: "0", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
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
    read: (key) => readFile(join(dataDir, "storage", ...key.split("/"))).then((bytes) => new Uint8Array(bytes), () => null),
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
