// `npm run node`, busy — one packaging job running and one on-demand session whose encoder is
// parked (SIGSTOP) — stopped by SIGTERM to npm, or SIGINT to its whole group (a terminal's Ctrl-C).
import { copyFile, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "../../transcode-node/src/test-pattern.ts";
import { startEntry, type EntryProcess } from "../helpers/entry-process.ts";
import { processState, processTree, until } from "../helpers/processes.ts";
import { tempDataDir } from "../helpers/stack.ts";
import { expectCleanStop, signalAndWait, type StopCase } from "./clean-stop.ts";

const SECRET = "s".repeat(40);
const AUTH = { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" };
let sources: string;

beforeAll(async () => {
  sources = await tempDataDir("lifecycle-sources");
  // The job's source is MPEG-4 Part 2, so it is transcoded into a three-rung ladder: long enough
  // to be running when the signal comes. The session's is small H.264.
  await generateTestPattern(join(sources, "job.mp4"), { seconds: 240, width: 640, height: 360, audio: false, videoArgs: ["-c:v", "mpeg4", "-q:v", "12"] });
  await generateTestPattern(join(sources, "session.mp4"), { seconds: 60, width: 160, height: 90, fps: 25 });
});
afterAll(() => rm(sources, { recursive: true, force: true }));

const api = async <T>(url: string, init: RequestInit = {}): Promise<T> => {
  const response = await fetch(url, { ...init, headers: AUTH });
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

describe.each<StopCase>([
  { signal: "SIGTERM", to: "process" },
  { signal: "SIGINT", to: "group" },
])("npm run node with a running job and a parked session encoder, $signal to the $to", (stop) => {
  let entry: EntryProcess | undefined;
  let dataDir: string;
  afterEach(async () => {
    await entry?.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("stops everything: ffmpeg (the parked one too), work folders and source copies, the server", async () => {
    dataDir = await tempDataDir("lifecycle-node");
    const storage = join(dataDir, "storage");
    const work = join(dataDir, "work");
    for (const name of ["job", "session"]) {
      await mkdir(join(storage, "uploads", name), { recursive: true });
      await copyFile(join(sources, `${name}.mp4`), join(storage, "uploads", name, "source"));
    }
    entry = startEntry("npm", ["run", "node"], {
      NODE_SECRET: SECRET, PORT: "0", HOST: "127.0.0.1", STORAGE_DIR: storage, WORK_DIR: work,
      HWACCEL: "software", SESSION_PROFILE: "144", SESSION_AHEAD_SEGMENTS: "1", LADDER: "360,240,144", SESSION_COPY: "false",
    });
    const [, url, port] = await entry.waitFor(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);

    // A job whose packaging ffmpeg is running.
    const job = await api<{ id: string }>(`${url}/v1/jobs`, { method: "POST", body: JSON.stringify({ source: { storageKey: "uploads/job/source" } }) });
    const jobEncoder = await until(async () => (await processTree(entry!.pid)).find((p) => p.cmdline.startsWith("ffmpeg") && p.cmdline.includes(`${work}/job-`)), "the job's ffmpeg");
    // A session whose encoder ran one segment ahead of its viewer and was parked.
    const session = await api<{ id: string }>(`${url}/v1/sessions`, { method: "POST", body: JSON.stringify({ source: { storageKey: "uploads/session/source" }, lease: "viewer" }) });
    const master = await (await fetch(`${url}/v1/sessions/${session.id}/master.m3u8`, { headers: AUTH })).text();
    const rendition = master.split("\n").find((line) => line.endsWith("/index.m3u8"))!.replace("/index.m3u8", "");
    expect((await fetch(`${url}/v1/sessions/${session.id}/${rendition}/seg_00000.m4s?lease=viewer`, { headers: AUTH })).status).toBe(200);
    const { encoderPids } = await api<{ encoderPids: number[] }>(`${url}/v1/sessions/${session.id}`);
    expect(encoderPids).toHaveLength(1);
    await until(async () => ((await processState(encoderPids[0]!)) === "T" ? true : undefined), "the session encoder to be parked (state T)");

    expect((await api<{ status: string }>(`${url}/v1/jobs/${job.id}`)).status).toBe("running");
    const folders = await readdir(work);
    expect(folders.filter((f) => f.startsWith("job-"))).toHaveLength(1);
    expect(folders.filter((f) => f.startsWith("session-"))).toHaveLength(1);
    expect(folders.filter((f) => f.startsWith("source-"))).toHaveLength(2); // the job's and the session's copies

    const tree = await signalAndWait(entry, stop);
    expect(tree.map((p) => p.pid)).toEqual(expect.arrayContaining([jobEncoder.pid, encoderPids[0]]));
    await expectCleanStop(entry, tree, { signal: stop.signal, dataDir, ports: [Number(port)], workDir: work });
  });
});
