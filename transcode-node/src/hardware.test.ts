// Hardware detection, choice, health and runtime fallback. This machine has no GPU: detection runs
// the real one-frame test encodes (which fail here), and the fallback test runs the real NVENC
// argument list (which fails here). Where a test needs a *working* GPU, a fake test encode stands
// in for it, and the test says so.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRendition } from "../../tests/helpers/media.ts";
import { HardwareRegistry } from "./hw-registry.ts";
import { packageVod } from "./package-vod.ts";
import { generateZoo, type ZOO } from "./testing/zoo.ts";

let dir: string;
let zoo: Record<keyof typeof ZOO, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-hw-"));
  zoo = await generateZoo(dir, ["ladder"]);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A fake GPU: the test encode says the device works; nothing else is faked. */
const fakeGpuTestEncode = async () => ({ ok: true, detail: "ok (fake GPU for this test)" });

async function expectPlayable(outDir: string) {
  for (const rung of ["360p", "180p"]) {
    const { segments } = await readRendition(join(outDir, rung));
    expect(segments.map((s) => s.duration)).toEqual([4, 2]);
    expect(segments.every((s) => s.firstIsKey && s.streams[0]?.codec_name === "h264")).toBe(true);
  }
}

describe("hardware detection", () => {
  it("finds no working encoder here: each real test encode fails with ffmpeg's own reason", async () => {
    const registry = new HardwareRegistry();
    const checks = await registry.detectAll();
    expect(checks.map((c) => [c.backend, c.encoder, c.working])).toEqual([
      ["nvenc", "h264_nvenc", false],
      ["qsv", "h264_qsv", false],
      ["vaapi", "h264_vaapi", false],
      ["videotoolbox", "h264_videotoolbox", false],
    ]);
    for (const c of checks) expect(c.detail.length).toBeGreaterThan(0);
    expect(checks.find((c) => c.backend === "nvenc")?.detail).toMatch(/cuda|CUDA|libcuda/);
    expect(await registry.choose("auto")).toEqual({ backend: "software" });
    expect((await registry.choose("nvenc")).warning).toMatch(/^HWACCEL=nvenc: h264_nvenc does not work on this machine \(.+\); encoding in software$/);
    // Cached: a second detection does not run the test encodes again.
    expect((await registry.detectAll())[0]).toBe(checks[0]);
  });

  it("with a fake GPU: auto picks the first working backend; a failure benches it for the cooldown", async () => {
    let now = 1_000;
    const registry = new HardwareRegistry({ testEncode: async (b) => ({ ok: b === "vaapi", detail: b === "vaapi" ? "ok (fake GPU)" : "no device" }), cooldownMs: 60_000, now: () => now });
    expect(await registry.choose("auto")).toEqual({ backend: "vaapi" });
    registry.markUnhealthy("vaapi", "driver crashed");
    expect(await registry.choose("auto")).toEqual({ backend: "software" });
    expect((await registry.choose("vaapi")).warning).toMatch(/failed recently \(driver crashed\)/);
    const snapshot = await registry.snapshot();
    expect(snapshot.encoders.find((e) => e.backend === "vaapi")).toMatchObject({ working: true, healthy: false, benchedReason: "driver crashed" });
    now += 60_000;
    expect(await registry.choose("auto")).toEqual({ backend: "vaapi" });
  });

  it("caps concurrent sessions per encoder and wakes waiters on release", async () => {
    const registry = new HardwareRegistry({ testEncode: fakeGpuTestEncode, sessionCaps: { nvenc: 3 } });
    const first = await registry.acquire("nvenc", 2);
    let second: (() => void) | undefined;
    const waiting = registry.acquire("nvenc", 2).then((release) => (second = release));
    await new Promise((r) => setTimeout(r, 20));
    expect(second).toBeUndefined();
    expect((await registry.snapshot()).encoders[0]).toMatchObject({ sessionsInUse: 2, sessionCap: 3 });
    first();
    await waiting;
    expect((await registry.snapshot()).encoders[0]).toMatchObject({ sessionsInUse: 2 });
    second!();
    // A job wanting more sessions than the cap takes the whole cap instead of waiting forever.
    const all = await registry.acquire("nvenc", 5);
    expect((await registry.snapshot()).encoders[0]).toMatchObject({ sessionsInUse: 3 });
    all();
  });
});

describe("runtime fallback (real ffmpeg)", () => {
  it("HWACCEL=nvenc on a box without a GPU: the test encode fails, the job runs in software with a warning and plays", async () => {
    const warnings: string[] = [];
    const result = await packageVod({ input: zoo.ladder, outDir: join(dir, "nvenc-requested"), hwaccel: "nvenc", ladder: [360, 180], onWarning: (w) => warnings.push(w), thumbnails: false });
    expect(result.backend).toBe("software");
    expect(result.meta).toMatchObject({ backend: "software", encoder: "libx264" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^HWACCEL=nvenc: h264_nvenc does not work on this machine/);
    expect(result.meta.warnings).toEqual(warnings);
    await expectPlayable(result.outDir);
  });

  it("a hardware encode that fails mid-job is rerun in software and the backend is benched (fake GPU passes detection only)", async () => {
    const registry = new HardwareRegistry({ testEncode: fakeGpuTestEncode });
    const warnings: string[] = [];
    const result = await packageVod({ input: zoo.ladder, outDir: join(dir, "nvenc-fails"), hwaccel: "nvenc", hardware: registry, ladder: [360, 180], onWarning: (w) => warnings.push(w), thumbnails: false });
    // The real NVENC arguments ran and failed (no CUDA here), then software took over.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^h264_nvenc failed \(ffmpeg exited with code \d+: .+\); re-encoded in software$/);
    expect(result.backend).toBe("software");
    expect(registry.isHealthy("nvenc")).toBe(false);
    expect((await registry.choose("nvenc")).backend).toBe("software");
    await expectPlayable(result.outDir);
  });
});
