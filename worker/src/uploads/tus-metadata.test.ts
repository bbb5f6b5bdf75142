// The Upload-Metadata header as tus clients write it (tus-js-client: `key base64(value)` pairs).
import { describe, expect, it } from "vitest";
import { parseUploadMetadata, stringifyUploadMetadata } from "./tus-metadata.ts";

describe("Upload-Metadata", () => {
  it("reads base64 values as UTF-8, and a key without a value as null", () => {
    const header = `title ${Buffer.from("Été à Zürich 🎬").toString("base64")},filetype ${Buffer.from("video/mp4").toString("base64")},is_draft`;
    expect(parseUploadMetadata(header)).toEqual({ title: "Été à Zürich 🎬", filetype: "video/mp4", is_draft: null });
  });

  it("writes what it reads", () => {
    const metadata = { title: "Été à Zürich 🎬", filename: "a b,c.mp4", empty: "", flag: null };
    expect(parseUploadMetadata(stringifyUploadMetadata(metadata))).toEqual(metadata);
  });

  it("refuses a value that is not base64, a repeated key and a pair with extra parts, naming the header", () => {
    for (const header of ["title not*base64", "title dGl0bGU=,title dGl0bGU=", "title dGl0bGU= extra"]) {
      expect(() => parseUploadMetadata(header)).toThrow(/^Upload-Metadata: /);
    }
  });

  it("refuses a value the base64 alphabet allows but that does not decode (one char left over) with a 400 naming the key", () => {
    for (const value of ["a", "abcde"]) {
      expect(() => parseUploadMetadata(`title ${value}`)).toThrow(expect.objectContaining({ status: 400, message: "Upload-Metadata title: the value is not base64" }));
    }
  });

  it("reads keys that are names of Object.prototype as plain keys", () => {
    const header = ["constructor", "toString", "hasOwnProperty", "__proto__"].map((key) => `${key} ${btoa(key)}`).join(",");
    const metadata = parseUploadMetadata(header);
    expect(Object.entries(metadata)).toEqual([["constructor", "constructor"], ["toString", "toString"], ["hasOwnProperty", "hasOwnProperty"], ["__proto__", "__proto__"]]);
    expect(() => parseUploadMetadata("toString dGl0bGU=,toString dGl0bGU=")).toThrow(/^Upload-Metadata: /);
  });

  it("reads no header as no metadata", () => {
    expect(parseUploadMetadata(undefined)).toEqual({});
    expect(parseUploadMetadata("")).toEqual({});
  });
});
