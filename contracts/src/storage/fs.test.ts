import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RangeNotSatisfiableError } from "./driver.ts";
import { createFsStorage, removeInterruptedPuts } from "./fs.ts";
import { describeStorageContract } from "../testing/storage-contract.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "edgestream-fs-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("fs storage", () => {
  it("removes the temp files of interrupted puts below a prefix, and only those", async () => {
    const storage = createFsStorage(root);
    await storage.put("uploads/v1/source", "whole");
    await mkdir(join(root, "uploads", "v2"), { recursive: true });
    await writeFile(join(root, "uploads", "v2", "source.tmp-0b7c"), "half");
    await mkdir(join(root, "abc"), { recursive: true });
    await writeFile(join(root, "abc", "seg_00001.m4s.tmp-9f1e"), "another writer's");
    expect(await removeInterruptedPuts(root, "uploads")).toEqual(["uploads/v2/source.tmp-0b7c"]);
    expect((await readdir(join(root, "uploads"), { recursive: true })).sort()).toEqual(["v1", join("v1", "source")]);
    expect(await readdir(join(root, "abc"))).toEqual(["seg_00001.m4s.tmp-9f1e"]);
    expect(await removeInterruptedPuts(root, "nothing-here")).toEqual([]);
  });

  it("answers null, not an error, for a key under a file or a name longer than the file system allows", async () => {
    const storage = createFsStorage(root);
    await storage.put("a/seg.m4s", "x");
    expect(await storage.get("a/seg.m4s/x")).toBeNull();
    expect(await storage.head("a/seg.m4s/x")).toBeNull();
  });

  it("puts, heads, gets whole and ranged, lists and deletes", async () => {
    const storage = createFsStorage(root);
    await storage.put("a/b/c.m4s", "0123456789");
    await storage.put("a/master.m3u8", new TextEncoder().encode("#EXTM3U"));
    expect(await storage.head("a/b/c.m4s")).toMatchObject({ size: 10 });
    expect(await new Response((await storage.get("a/b/c.m4s"))!.body).text()).toBe("0123456789");
    const ranged = (await storage.get("a/b/c.m4s", { range: { offset: 2, length: 3 } }))!;
    expect(ranged.range).toEqual({ offset: 2, length: 3 });
    expect(await new Response(ranged.body).text()).toBe("234");
    const suffix = (await storage.get("a/b/c.m4s", { range: { suffix: 4 } }))!;
    expect(await new Response(suffix.body).text()).toBe("6789");
    expect(await storage.list("a")).toEqual(["a/b/c.m4s", "a/master.m3u8"]);
    await storage.delete("a/b/c.m4s");
    expect(await storage.get("a/b/c.m4s")).toBeNull();
    expect(await storage.head("a/b/c.m4s")).toBeNull();
  });

  it("throws RangeNotSatisfiable past the end, and leaves no file handle open", async () => {
    const storage = createFsStorage(root);
    await storage.put("x.m4s", "abc");
    await expect(storage.get("x.m4s", { range: { offset: 3 } })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
    const fds = await readdir("/proc/self/fd");
    await expect(storage.get("x.m4s", { range: { offset: 9 } })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
    expect((await readdir("/proc/self/fd")).length).toBe(fds.length);
  });

  it("serves objects while other files are opened and read concurrently", async () => {
    const storage = createFsStorage(root);
    await storage.put("seg.m4s", "x".repeat(10_000));
    await storage.put("other.txt", "other");
    const reads = Array.from({ length: 30 }, async (_, i) => {
      if (i % 2) return new Response((await storage.get("seg.m4s"))!.body).text();
      return readFile(join(root, "other.txt"), "utf8");
    });
    const results = await Promise.all(reads);
    expect(results.filter((r) => r === "other")).toHaveLength(15);
  });

  it("refuses keys that climb out of the root", async () => {
    const storage = createFsStorage(root);
    await expect(storage.get("../etc/passwd")).rejects.toThrow(/unsafe storage key/);
    await expect(storage.put("a/../../x", "x")).rejects.toThrow(/unsafe storage key/);
    await expect(storage.get("/etc/passwd")).rejects.toThrow(/unsafe storage key/);
  });

  it("streams a stream body to disk and never shows a half-written object", async () => {
    const storage = createFsStorage(root);
    const body = new Blob(["x".repeat(100_000)]).stream();
    await storage.put("big/seg.m4s", body);
    expect(await storage.head("big/seg.m4s")).toMatchObject({ size: 100_000 });
    expect(await readdir(join(root, "big"))).toEqual(["seg.m4s"]);
  });
});

describeStorageContract("fs", () => createFsStorage(root));
