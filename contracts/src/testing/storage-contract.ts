// The one contract every StorageDriver must pass; each driver's test file runs it against a real
// backend (a folder, an S3-compatible server over HTTP, R2 under miniflare).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RangeNotSatisfiableError, type StorageDriver } from "../storage/driver.ts";

const text = (driver: StorageDriver, key: string) => driver.get(key).then((o) => (o ? new Response(o.body).text() : null));

export function describeStorageContract(name: string, driver: () => StorageDriver, options: { multipartBytes?: number } = {}): void {
  describe(`${name} storage: the StorageDriver contract`, () => {
    it("puts strings and bytes, then heads and gets them back", async () => {
      const d = driver();
      await d.put("c1/a.txt", "hello world");
      await d.put("c1/b.bin", new Uint8Array([0, 1, 2, 255]));
      expect(await d.head("c1/a.txt")).toMatchObject({ size: 11 });
      expect(await text(d, "c1/a.txt")).toBe("hello world");
      const bytes = await d.get("c1/b.bin");
      expect(bytes?.size).toBe(4);
      expect([...new Uint8Array(await new Response(bytes!.body).arrayBuffer())]).toEqual([0, 1, 2, 255]);
      expect((await d.head("c1/a.txt"))?.etag).toEqual(expect.any(String));
    });

    it("answers null for what does not exist", async () => {
      const d = driver();
      expect(await d.get("c2/missing.m4s")).toBeNull();
      expect(await d.head("c2/missing.m4s")).toBeNull();
      expect(await d.get("c2/missing.m4s", { range: { offset: 0, length: 1 } })).toBeNull();
    });

    it("serves byte ranges: offset+length, open-ended, suffix, and refuses one past the end", async () => {
      const d = driver();
      await d.put("c3/seg.m4s", "0123456789");
      const part = await d.get("c3/seg.m4s", { range: { offset: 2, length: 3 } });
      expect(part).toMatchObject({ size: 10, range: { offset: 2, length: 3 } });
      expect(await new Response(part!.body).text()).toBe("234");
      const first = await d.get("c3/seg.m4s", { range: { offset: 0, length: 1 } });
      expect(first).toMatchObject({ size: 10, range: { offset: 0, length: 1 } });
      expect(await new Response(first!.body).text()).toBe("0");
      const tail = await d.get("c3/seg.m4s", { range: { offset: 7 } });
      expect(tail?.range).toEqual({ offset: 7, length: 3 });
      expect(await new Response(tail!.body).text()).toBe("789");
      const suffix = await d.get("c3/seg.m4s", { range: { suffix: 4 } });
      expect(suffix?.range).toEqual({ offset: 6, length: 4 });
      expect(await new Response(suffix!.body).text()).toBe("6789");
      const clipped = await d.get("c3/seg.m4s", { range: { offset: 8, length: 100 } });
      expect(clipped?.range).toEqual({ offset: 8, length: 2 });
      await new Response(clipped!.body).arrayBuffer();
      const error = await d.get("c3/seg.m4s", { range: { offset: 10 } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeNotSatisfiableError);
      expect((error as RangeNotSatisfiableError).size).toBe(10);
    });

    it("streams a large body in and out intact", async () => {
      const d = driver();
      const size = options.multipartBytes ?? 3 * 1024 * 1024 + 17;
      const data = new Uint8Array(size).map((_, i) => (i * 31) % 251);
      // Handed over in odd-sized chunks, as a network body arrives.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < size; at += 65_521) controller.enqueue(data.slice(at, at + 65_521));
          controller.close();
        },
      });
      await d.put("c4/big.m4s", stream);
      const back = new Uint8Array(await new Response((await d.get("c4/big.m4s"))!.body).arrayBuffer());
      expect(back.length).toBe(size);
      expect(createHash("sha256").update(back).digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));
    });

    it("lists keys below a folder prefix, sorted, and nothing beside it", async () => {
      const d = driver();
      for (const key of ["c5/v/b.m4s", "c5/v/a.m4s", "c5/master.m3u8", "c5-other/x.m4s"]) await d.put(key, "x");
      expect(await d.list("c5")).toEqual(["c5/master.m3u8", "c5/v/a.m4s", "c5/v/b.m4s"]);
      expect(await d.list("c5/v/")).toEqual(["c5/v/a.m4s", "c5/v/b.m4s"]);
      expect(await d.list("c5-nothing")).toEqual([]);
    });

    it("overwrites, deletes, and deletes what is already gone without error", async () => {
      const d = driver();
      await d.put("c6/a.txt", "one");
      await d.put("c6/a.txt", "two");
      expect(await text(d, "c6/a.txt")).toBe("two");
      await d.delete("c6/a.txt");
      expect(await d.get("c6/a.txt")).toBeNull();
      await d.delete("c6/a.txt");
    });

    it("refuses keys that could climb out or are not plain paths", async () => {
      const d = driver();
      for (const key of ["../x", "a/../../x", "/abs", "a//b", "a\\b", ""]) {
        await expect(d.get(key)).rejects.toThrow(/unsafe storage key/);
        await expect(d.put(key, "x")).rejects.toThrow(/unsafe storage key/);
      }
    });
  });
}
