import { describe, expect, it } from "vitest";
import { PackageMetaError, parsePackageMeta } from "./package-meta.ts";
import { samplePackageMeta } from "./testing/package-meta-fixture.ts";

describe("meta.json schema", () => {
  it("parses a complete meta.json, keeping the probed source's other fields", () => {
    const meta = samplePackageMeta({ source: { ...samplePackageMeta().source, video: { codec: "h264" } } });
    expect(parsePackageMeta(JSON.stringify(meta), "x/meta.json")).toEqual(meta);
  });

  it("names the key and the missing field of an incomplete one", () => {
    const { segmentSeconds: _, ...incomplete } = samplePackageMeta();
    expect(() => parsePackageMeta(JSON.stringify(incomplete), "abc/meta.json")).toThrow(PackageMetaError);
    expect(() => parsePackageMeta(JSON.stringify(incomplete), "abc/meta.json")).toThrow(/^abc\/meta\.json is not a valid package meta\.json: .*segmentSeconds/);
  });

  it("refuses text that is not JSON, and a rendition without its measurements", () => {
    expect(() => parsePackageMeta("{", "abc/meta.json")).toThrow("abc/meta.json is not a valid package meta.json: not JSON");
    const meta = samplePackageMeta();
    const { peakBps: _, ...rendition } = meta.renditions[0]!;
    expect(() => parsePackageMeta(JSON.stringify({ ...meta, renditions: [rendition] }), "k")).toThrow(/renditions\[0\]\.peakBps/);
  });

  it("reads a version 2 meta.json (written before relativeUris) as not known to be relative", () => {
    const { relativeUris: _, ...old } = samplePackageMeta();
    expect(parsePackageMeta(JSON.stringify({ ...old, version: 2 }), "k")).toEqual({ ...old, version: 2, relativeUris: false });
    expect(parsePackageMeta(JSON.stringify(samplePackageMeta()), "k").relativeUris).toBe(true);
  });
});
