// A real package for tests that serve one: a test-pattern clip made by ffmpeg and packaged by the
// transcode node's CLI into a temp folder, with its files' bytes at hand to seed any storage.
import { spawn } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { generateTestPattern, sha256File } from "@edgestream/transcode-node";
import { tempDataDir } from "./stack.ts";

const CLI = fileURLToPath(new URL("../../transcode-node/src/cli.ts", import.meta.url));

export interface PackagedClip {
  /** The package's content address: its storage prefix. */
  sha: string;
  durationMs: number;
  /** Every file of the package, by path below the prefix. */
  files: Map<string, Buffer>;
  remove(): Promise<void>;
}

export async function packageTestClip(seconds: number): Promise<PackagedClip> {
  const work = await tempDataDir("clip");
  try {
    const source = join(work, "clip.mp4");
    await generateTestPattern(source, { seconds, width: 320, height: 180, fps: 25 });
    const out = join(work, "package");
    const code = await new Promise<number | null>((resolve) => spawn(process.execPath, ["--import", "tsx", CLI, source, "--out", out, "--no-thumbnails"], { stdio: "ignore" }).on("close", resolve));
    if (code !== 0) throw new Error(`the transcode CLI exited with ${code}`);
    const files = new Map<string, Buffer>();
    for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.set(relative(out, join(entry.parentPath, entry.name)), await readFile(join(entry.parentPath, entry.name)));
    }
    return { sha: await sha256File(source), durationMs: seconds * 1000, files, remove: () => rm(work, { recursive: true, force: true }) };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
