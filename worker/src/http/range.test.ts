import { describe, expect, it } from "vitest";
import { parseRangeHeader } from "./range.ts";

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
