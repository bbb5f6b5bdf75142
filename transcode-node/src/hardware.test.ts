// Hardware detection, choice, health and runtime fallback. Expectations follow what this machine
// really has: the test runs its own one-frame encode per encoder (testing/encoder-truth.ts) and
// detection must agree, so the suite passes on a GPU box (asserting the encoder works) and on one
// without. Where a test needs a *working* GPU this machine may lack, a fake test encode stands in
// for it, and the test says so.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRendition } from "../../tests/helpers/media.ts";
import { ENCODER_OF, HW_BACKENDS, type HwBackend } from "./hw-backends.ts";
import { HardwareRegistry } from "./hw-registry.ts";
import { packageVod } from "./package-vod.ts";
import { encoderTruth, type EncoderTruth } from "./testing/encoder-truth.ts";
import { generateZoo, type ZOO } from "./testing/zoo.ts";

let dir: string;
let zoo: Record<keyof typeof ZOO, string>;
let truth: Map<HwBackend, EncoderTruth>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-hw-"));
  [zoo, truth] = await Promise.all([generateZoo(dir, ["ladder"]), encoderTruth()]);
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

/** What a registry must answer when exactly the backends `works` names can encode. */
async function expectDetection(registry: HardwareRegistry, works: (backend: HwBackend) => boolean) {
  const checks = await registry.detectAll();
  expect(checks.map((c) => [c.backend, c.encoder, c.working])).toEqual(HW_BACKENDS.map((b) => [b, ENCODER_OF[b], works(b)]));
  for (const c of checks) {
    if (c.working) expect(c.detail).toMatch(/^ok/);
    else expect(c.detail).toMatch(/^(?!ok).+/); // ffmpeg's own reason
  }
  expect(await registry.choose("auto")).toEqual({ backend: HW_BACKENDS.find(works) ?? "software" });
  for (const b of HW_BACKENDS) {
    if (works(b)) expect(await registry.choose(b)).toEqual({ backend: b });
    else {
      const choice = await registry.choose(b);
      expect(choice.backend).toBe("software");
      expect(choice.warning).toMatch(new RegExp(`^HWACCEL=${b}: ${ENCODER_OF[b]} does not work on this machine \\(.+\\); encoding in software$`));
    }
  }
  // Cached: a second detection does not run the test encodes again.
  expect((await registry.detectAll())[0]).toBe(checks[0]);
  return checks;
}

describe("hardware detection", () => {
  it("marks each encoder working exactly when a real one-frame encode with it works on this machine", async () => {
    const checks = await expectDetection(new HardwareRegistry(), (b) => truth.get(b)!.works);
    // Where NVENC fails for want of CUDA, detection says so rather than something vaguer.
    if (/cuda/i.test(truth.get("nvenc")!.stderr)) expect(checks[0]!.detail).toMatch(/cuda/i);
  });

  it("with a fake GPU (VAAPI only), the same expectations hold: auto and HWACCEL=vaapi pick it", async () => {
    // Fake: this machine may have no VAAPI device; the test encode is stubbed to say it works.
    await expectDetection(new HardwareRegistry({ testEncode: async (b) => ({ ok: b === "vaapi", detail: b === "vaapi" ? "ok (fake GPU)" : "no device" }) }), (b) => b === "vaapi");
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
  it("HWACCEL=nvenc encodes on NVENC where a real encode works, else in software with a warning; either way it plays", async () => {
    const warnings: string[] = [];
    const result = await packageVod({ input: zoo.ladder, outDir: join(dir, "nvenc-requested"), hwaccel: "nvenc", ladder: [360, 180], onWarning: (w) => warnings.push(w), thumbnails: false });
    if (truth.get("nvenc")!.works) {
      expect(result.backend).toBe("nvenc");
      expect(result.meta).toMatchObject({ backend: "nvenc", encoder: "h264_nvenc" });
      expect(warnings).toEqual([]);
    } else {
      expect(result.backend).toBe("software");
      expect(result.meta).toMatchObject({ backend: "software", encoder: "libx264" });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^HWACCEL=nvenc: h264_nvenc does not work on this machine/);
    }
    expect(result.meta.warnings).toEqual(warnings);
    await expectPlayable(result.outDir);
  });

  it("a hardware encode that fails mid-job is rerun in software and the backend is benched (fake GPU passes detection only)", async () => {
    // A backend whose real encode fails here (no machine has all four: VideoToolbox is macOS only,
    // the others are not on macOS); the fake GPU lets it through detection.
    const broken = HW_BACKENDS.find((b) => !truth.get(b)!.works);
    expect(broken).toBeDefined();
    const registry = new HardwareRegistry({ testEncode: fakeGpuTestEncode });
    const warnings: string[] = [];
    const result = await packageVod({ input: zoo.ladder, outDir: join(dir, "hw-fails"), hwaccel: broken!, hardware: registry, ladder: [360, 180], onWarning: (w) => warnings.push(w), thumbnails: false });
    // The real arguments for that encoder ran and failed, then software took over.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^${ENCODER_OF[broken!]} failed \\(ffmpeg exited with code \\d+: .+\\); re-encoded in software$`));
    expect(result.backend).toBe("software");
    expect(registry.isHealthy(broken!)).toBe(false);
    expect((await registry.choose(broken!)).backend).toBe("software");
    await expectPlayable(result.outDir);
  });
});
