// The operator's entry point, run as a real process.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "./test-pattern.ts";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));
let dir: string;

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-cli-"));
  await generateTestPattern(join(dir, "in.mp4"), { seconds: 2, width: 160, height: 90 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("edgestream-transcode", () => {
  it("packages a file and exits 0 with <dir>/master.m3u8", async () => {
    const result = await runCli([join(dir, "in.mp4"), "--out", join(dir, "out")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^packaged .*in\.mp4 → .*out\/master\.m3u8 \[copy video, copy audio\] in [\d.]+ s\n$/);
    expect(await readFile(join(dir, "out", "master.m3u8"), "utf8")).toMatch(/^#EXTM3U/);
  });

  it("prints JSON lines with --json: plan, progress, done", async () => {
    const result = await runCli([join(dir, "in.mp4"), "--out", join(dir, "json-out"), "--json"]);
    expect(result.code).toBe(0);
    const events = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(events[0].type).toBe("plan");
    expect(events.some((e) => e.type === "progress")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "done", masterPlaylist: join(dir, "json-out", "master.m3u8") });
  });

  it("exits 1 with a one-line error for input that is not media", async () => {
    await writeFile(join(dir, "notes.txt"), "hello");
    const result = await runCli([join(dir, "notes.txt"), "--out", join(dir, "never")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^edgestream-transcode: error: not a media file ffmpeg can read \(.+\): .*notes\.txt\n$/);
    expect(result.stdout).toBe("");
  });

  it("exits 2 with usage for missing arguments", async () => {
    const result = await runCli([join(dir, "in.mp4")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/give one input file and --out <dir>\nusage: edgestream-transcode/);
  });
});
