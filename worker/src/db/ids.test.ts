import { describe, expect, it } from "vitest";
import { parseHlsPath } from "../signing/hls-path.ts";
import { assertSafeKey } from "@edgestream/contracts";
import { newVideoId } from "./ids.ts";

describe("newVideoId", () => {
  it("makes ids that are valid in storage keys and signed paths, every time", () => {
    const ids = new Set(Array.from({ length: 5000 }, newVideoId));
    expect(ids.size).toBe(5000);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{20}$/);
      expect(() => assertSafeKey(`uploads/${id}/source`)).not.toThrow();
      expect(parseHlsPath(`/hls/${id}/master.m3u8`)).not.toBeNull();
    }
  });
});
