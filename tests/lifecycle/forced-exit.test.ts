// A second signal forces the exit when close() hangs, and no ffmpeg outlives it, a parked one included.
import { describe, expect, it } from "vitest";
import { startEntry } from "../helpers/entry-process.ts";
import { isAlive, processState, until } from "../helpers/processes.ts";

describe("a second signal", () => {
  it("forces the exit while close() hangs, and kills the parked ffmpeg", async () => {
    const entry = startEntry("node", ["--import", "tsx", "tests/lifecycle/fixtures/hanging-entry.ts"], {});
    try {
      const ffmpeg = Number((await entry.waitFor(/^ready (\d+)$/m))[1]);
      await until(async () => ((await processState(ffmpeg)) === "T" ? true : undefined), "ffmpeg to be parked");
      entry.child.kill("SIGTERM");
      await entry.waitFor(/^closing$/m);
      entry.child.kill("SIGINT");
      expect(await entry.exited).toEqual({ code: 1, signal: null });
      expect(entry.output()).toContain("edgestream fixture: second SIGINT, forced exit");
      expect(entry.output()).not.toMatch(/stopped on/);
      await until(async () => ((await isAlive(ffmpeg)) ? undefined : true), "the parked ffmpeg to be gone", 10_000).catch(() => {});
      expect(await isAlive(ffmpeg)).toBe(false);
    } finally {
      await entry.destroy();
    }
  });
});
