// Forced keyframes per encoder. The GPU encoders cannot run on this machine, so their args are pinned
// here; libx264's are also exercised for real by rung-alignment.test.ts.
import { describe, expect, it } from "vitest";
import { encoderArgs, HW_BACKENDS, type Backend, type ForcedKeyframes } from "./hw-backends.ts";

const forced: ForcedKeyframes = { times: ["5.000", "10.000", "12.500"], maxGopFrames: 121 };
const argsOf = (backend: Backend, withForced = true) => encoderArgs(backend, 1, 800, 4, 96, withForced ? forced : undefined);
/** The value after `flag` in an arg list, undefined when the flag is absent. */
const valueOf = (args: string[], flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

describe("encoder keyframes on a copied rung's cut points", () => {
  it.each([...HW_BACKENDS, "software"] as Backend[])("%s keys at the forced times only, with a GOP ceiling past the longest stretch", (backend) => {
    const args = argsOf(backend);
    expect(valueOf(args, "-force_key_frames:v:1")).toBe("5.000,10.000,12.500");
    expect(valueOf(args, "-g:v:1")).toBe("121");
    // A minimum GOP or the grid expression would add keyframes between the cuts.
    expect(args).not.toContain("-keyint_min:v:1");
    expect(args.join(" ")).not.toContain("n_forced");
  });

  it("makes forced frames IDR with scene cuts off on nvenc, and IDR on qsv", () => {
    expect(valueOf(argsOf("nvenc"), "-forced-idr:v:1")).toBe("1");
    expect(valueOf(argsOf("nvenc"), "-no-scenecut:v:1")).toBe("1");
    expect(valueOf(argsOf("qsv"), "-forced_idr:v:1")).toBe("1");
    expect(valueOf(argsOf("qsv"), "-idr_interval:v:1")).toBe("0");
    expect(valueOf(argsOf("software"), "-sc_threshold:v:1")).toBe("0");
  });

  it("keeps the segment grid when nothing is forced", () => {
    expect(valueOf(argsOf("software", false), "-force_key_frames:v:1")).toBe("expr:gte(t,n_forced*4)");
    for (const backend of HW_BACKENDS) {
      const args = argsOf(backend, false);
      expect(valueOf(args, "-g:v:1")).toBe("96");
      expect(valueOf(args, "-keyint_min:v:1")).toBe("96");
      expect(args).not.toContain("-force_key_frames:v:1");
    }
  });

  it.each([...HW_BACKENDS, "software"] as Backend[])("%s: a copy shorter than one segment has no cut, so nothing is forced (ffmpeg refuses an empty -force_key_frames)", (backend) => {
    const args = encoderArgs(backend, 1, 800, 4, 96, { times: [], maxGopFrames: 91 });
    expect(args).not.toContain("-force_key_frames:v:1");
    expect(valueOf(args, "-g:v:1")).toBe("91");
    expect(args).not.toContain("-keyint_min:v:1");
  });
});
