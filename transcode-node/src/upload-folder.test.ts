// uploadFolder with a real fs storage: a package's big file (the progressive MP4 of a long film is
// gigabytes, more than one Buffer holds) goes to storage as a stream, byte for byte, the rest whole.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASTER_PLAYLIST, META_FILE, PROGRESSIVE_MP4, type StorageDriver } from "@edgestream/contracts";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import { uploadFolder } from "./publish.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-upload-folder-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("uploadFolder", () => {
  it("streams a file too big to read whole, and puts meta.json and the master playlist last", async () => {
    const folder = join(dir, "package");
    await mkdir(join(folder, "360p"), { recursive: true });
    const big = new Uint8Array(40 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
    await writeFile(join(folder, PROGRESSIVE_MP4), big);
    await writeFile(join(folder, "360p", "seg_00000.m4s"), "segment");
    await writeFile(join(folder, META_FILE), "{}");
    await writeFile(join(folder, MASTER_PLAYLIST), "#EXTM3U\n");
    const fs = createFsStorage(join(dir, "storage"));
    const puts: { key: string; streamed: boolean }[] = [];
    const recording: StorageDriver = { ...fs, put: (key, body) => (puts.push({ key, streamed: body instanceof ReadableStream }), fs.put(key, body)) };

    await uploadFolder(recording, "p", folder);
    expect(puts.filter((p) => p.streamed).map((p) => p.key)).toEqual([`p/${PROGRESSIVE_MP4}`]);
    expect(puts.slice(-2).map((p) => p.key)).toEqual([`p/${META_FILE}`, `p/${MASTER_PLAYLIST}`]);
    expect(Buffer.from(await readFile(join(dir, "storage", "p", PROGRESSIVE_MP4))).equals(Buffer.from(big))).toBe(true);
  });
});
