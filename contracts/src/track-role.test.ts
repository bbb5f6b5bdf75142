import { describe, expect, it } from "vitest";
import { HLS_CHARACTERISTICS, TRACK_ROLES, roleOfCharacteristics } from "./track-role.ts";

describe("track roles in HLS CHARACTERISTICS", () => {
  it("reads back every role the packager writes, and main when there is no attribute", () => {
    for (const role of TRACK_ROLES) expect(roleOfCharacteristics(role === "main" ? undefined : HLS_CHARACTERISTICS[role])).toBe(role);
  });

  it("knows a role by any one of its UTIs, among others", () => {
    expect(roleOfCharacteristics("public.accessibility.describes-music-and-sound")).toBe("hearing-impaired");
    expect(roleOfCharacteristics("public.easy-to-read, public.accessibility.describes-video")).toBe("description");
    expect(roleOfCharacteristics("public.easy-to-read")).toBe("main");
  });
});
