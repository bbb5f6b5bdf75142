import { describe, expect, it } from "vitest";
import { formatStreamSource, isSignablePrefix, parseStreamSource } from "./stream-source.ts";

describe("stream token sources", () => {
  it("round-trips a stored prefix and a node session through the token's src field", () => {
    for (const source of [{ src: "f".repeat(64) }, { src: "pkg_1-a" }, { session: "s0123abc" }, { session: "A_b-9" }]) {
      expect(parseStreamSource(formatStreamSource(source))).toEqual(source);
    }
  });

  it("keeps the wire spelling the gate has always read: a session as node-<id>, a prefix as itself", () => {
    expect(formatStreamSource({ session: "abc" })).toBe("node-abc");
    expect(formatStreamSource({ src: "abc" })).toBe("abc");
    expect(parseStreamSource("node-abc")).toEqual({ session: "abc" });
  });

  it("refuses a stored prefix that would read back as a session, or that is not one folder name", () => {
    for (const src of ["node-abc", "a/b", "../etc", "", "a.b", "x".repeat(129)]) {
      expect(isSignablePrefix(src)).toBe(false);
      expect(() => formatStreamSource({ src })).toThrow(/storage prefix/);
    }
  });

  it("refuses a session id that does not fit the field", () => {
    for (const session of ["", "a.b", "a/b", "s".repeat(124)]) expect(() => formatStreamSource({ session })).toThrow(/node session id/);
  });

  it("reads nothing from a field no token carries", () => {
    for (const wire of ["", "node-", "a.b", "a/b", "x".repeat(129)]) expect(parseStreamSource(wire)).toBeNull();
  });
});
