// A storage source reaches the work folder without a copy when the driver keeps it on this disk.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageDriver } from "@edgestream/contracts";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import { MediaInputError } from "./errors.ts";
import { downloadSource } from "./source-download.ts";

let dir: string;
let storage: StorageDriver;
const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-download-"));
  storage = createFsStorage(join(dir, "storage"));
  await storage.put("uploads/v1/source", bytes);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("downloadSource", () => {
  it("hard-links a source the fs driver keeps on this disk: the same file, no bytes copied", async () => {
    const path = await downloadSource(storage, "uploads/v1/source", join(dir, "work-a"));
    const [linked, stored] = await Promise.all([stat(path), stat(join(dir, "storage", "uploads", "v1", "source"))]);
    expect(linked.ino).toBe(stored.ino);
    expect(linked.nlink).toBe(2);
    // A later put under the key replaces the stored file; the work copy keeps the bytes it was made with.
    await storage.put("uploads/v1/source", "replaced");
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
  });

  it("copies from a driver that keeps no local file", async () => {
    const remote: StorageDriver = { ...storage, name: "remote", localFile: undefined };
    const path = await downloadSource(remote, "uploads/v1/source", join(dir, "work-b"));
    expect((await stat(path)).nlink).toBe(1);
    expect(await readFile(path, "utf8")).toBe("replaced");
  });

  it("names a missing source", async () => {
    await expect(downloadSource(storage, "uploads/none/source", join(dir, "work-c"))).rejects.toThrow(MediaInputError);
  });
});
