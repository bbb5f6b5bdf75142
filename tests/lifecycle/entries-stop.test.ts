// The worker (Node and Deno) and `npm start` (demo + worker + node), each stopped by a signal to
// the process that was started or to its whole group: nothing left, database closed, one line.
import { cp, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort, startEntry, type EntryProcess } from "../helpers/entry-process.ts";
import { sampleCacheDir } from "../../demo/sample-video.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { dbFile, expectCleanStop, signalAndWait, type StopCase } from "./clean-stop.ts";

let entry: EntryProcess | undefined;
afterEach(async () => {
  await entry?.destroy();
  entry = undefined;
});

describe.each([
  { runtime: "Node", script: "worker", stops: [{ signal: "SIGINT", to: "process" }, { signal: "SIGTERM", to: "group" }] },
  { runtime: "Deno", script: "worker:deno", stops: [{ signal: "SIGTERM", to: "process" }, { signal: "SIGINT", to: "group" }] },
] as const)("npm run $script (the $runtime entry)", ({ script, stops }) => {
  it.each(stops as readonly StopCase[])("stops on $signal to the $to: server closed, database closed, nothing left", async (stop) => {
    const dataDir = await tempDataDir("lifecycle-worker");
    try {
      const port = await freePort();
      entry = startEntry("npm", ["run", script], { ...TEST_SECRETS, EDGESTREAM_DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" });
      const [, url] = await entry.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200); // the database answered: it is open
      const tree = await signalAndWait(entry, stop);
      await expectCleanStop(entry, tree, { signal: stop.signal, dataDir, ports: [port], database: dbFile(dataDir) });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

/** Local addresses of the sockets listening on `port` (from /proc/net/tcp and tcp6, hex as the kernel writes it). */
async function listeningAddresses(port: number): Promise<string[]> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const found: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === "0A" && local?.endsWith(`:${hexPort}`)) found.push(local.slice(0, -5));
    }
  }
  return found;
}

describe("npm start (demo page, worker and transcode node)", () => {
  let dataDir: string; // shared: the second start reuses the sample packaged by the first
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it.each<StopCase>([
    { signal: "SIGTERM", to: "group" },
    { signal: "SIGTERM", to: "process" },
  ])("says it is in demo mode on loopback, and stops on $signal to the $to with nothing left", async (stop) => {
    dataDir ??= await tempDataDir("lifecycle-start");
    const [workerPort, demoPort] = [await freePort(), await freePort()];
    entry = startEntry("npm", ["start"], { EDGESTREAM_DATA_DIR: dataDir, PORT: String(workerPort), DEMO_PORT: String(demoPort), HWACCEL: "software" });
    await entry.waitFor(/Press Ctrl\+C to stop\./);
    const [notice] = await entry.waitFor(/^Demo mode: .*$/m);
    expect(notice).toMatch(/anyone .* can sign in as anyone/);
    expect(notice).toContain("loopback (127.0.0.1) only");
    const nodePort = Number((await entry.waitFor(/node: +http:\/\/127\.0\.0\.1:(\d+)/))[1]);
    for (const port of [workerPort, demoPort, nodePort]) {
      // 127.0.0.1 as /proc/net/tcp writes it (little-endian hex): nothing listens on another address.
      expect(await listeningAddresses(port), `listeners on ${port}`).toEqual(["0100007F"]);
    }
    const tree = await signalAndWait(entry, stop);
    await expectCleanStop(entry, tree, { signal: stop.signal, dataDir, ports: [workerPort, demoPort, nodePort], workDir: join(dataDir, "work"), database: dbFile(dataDir) });
  });
});

describe("npm start, signalled while it is still starting", () => {
  it.each<StopCase>([
    { signal: "SIGTERM", to: "process" },
    { signal: "SIGINT", to: "group" },
  ])("stops on $signal to the $to while packaging the sample, with nothing left", async (stop) => {
    const dataDir = await tempDataDir("lifecycle-starting");
    try {
      const [workerPort, demoPort] = [await freePort(), await freePort()];
      // A cache of its own, or the shared one's finished package means nothing is packaged; the
      // generated source is copied in when the shared cache has it, so packaging starts at once.
      const cache = join(dataDir, "sample-cache");
      const shared = sampleCacheDir();
      const generatedSource = (path: string) => path === shared || (dirname(path) === shared && path.endsWith(".mp4") && !path.includes(".tmp-"));
      await cp(shared, cache, { recursive: true, filter: generatedSource }).catch(() => {});
      entry = startEntry("npm", ["start"], { EDGESTREAM_DATA_DIR: dataDir, EDGESTREAM_SAMPLE_CACHE: cache, PORT: String(workerPort), DEMO_PORT: String(demoPort), HWACCEL: "software" });
      await entry.waitFor(/packaging it into HLS/); // the packaging ffmpeg runs now
      const tree = await signalAndWait(entry, stop);
      await expectCleanStop(entry, tree, { signal: stop.signal, dataDir, ports: [workerPort, demoPort], workDir: join(dataDir, "work"), database: dbFile(dataDir) });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
