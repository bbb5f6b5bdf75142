import { describe, expect, it } from "vitest";
import { formatRangeHeader, parseRangeHeader } from "./range.ts";

describe("parseRangeHeader", () => {
  it("reads the three single-range forms", () => {
    expect(parseRangeHeader("bytes=0-99")).toEqual({ offset: 0, length: 100 });
    expect(parseRangeHeader("bytes=100-")).toEqual({ offset: 100 });
    expect(parseRangeHeader("bytes=-500")).toEqual({ suffix: 500 });
  });

  it("ignores a missing header and answers multi-range requests with the whole body", () => {
    expect(parseRangeHeader(undefined)).toBeUndefined();
    expect(parseRangeHeader("bytes=0-1,5-9")).toBeUndefined();
  });

  it("calls nonsense invalid", () => {
    expect(parseRangeHeader("bytes=9-1")).toBe("invalid");
    expect(parseRangeHeader("bytes=-")).toBe("invalid");
    expect(parseRangeHeader("items=0-1")).toBe("invalid");
  });
});

describe("formatRangeHeader", () => {
  it("writes each driver range as the header parseRangeHeader reads back", () => {
    for (const header of ["bytes=0-99", "bytes=100-", "bytes=-500", "bytes=7-7"]) {
      const range = parseRangeHeader(header);
      expect(range).not.toBe("invalid");
      expect(formatRangeHeader(range as Exclude<typeof range, "invalid" | undefined>)).toBe(header);
    }
  });
});
