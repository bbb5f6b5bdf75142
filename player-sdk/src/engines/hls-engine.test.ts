// hls.js is the fake from testing/fake-hls.ts (happy-dom has no Media Source Extensions); the real
// one plays in tests/e2e under Chromium.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PlayerEvent } from "../events.ts";
import { engineContext } from "../testing/engine-context.ts";
import { FakeHls, loadFakeHls } from "../testing/fake-hls.ts";
import { countListeners } from "../testing/listener-count.ts";
import { HlsEngine, canUseMse, type HlsEngineContext } from "./hls-engine.ts";

const MANIFEST = "https://api.example/hls/v1/master.m3u8?sig=T1";
let video: HTMLVideoElement;

beforeEach(() => {
  FakeHls.instances = [];
  FakeHls.supported = true;
  video = document.createElement("video");
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function make(options: Parameters<typeof engineContext>[3] = {}) {
  const c: HlsEngineContext = { ...engineContext(video, MANIFEST, [], options), onGiveUp: vi.fn(), onBitrateSwitch: vi.fn() };
  return { c, engine: new HlsEngine(c) };
}
const fatal = (type: string, details: string) => ({ type, details, fatal: true });

describe("HlsEngine", () => {
  it("is chosen only where Media Source Extensions take H.264/AAC", () => {
    vi.stubGlobal("MediaSource", { isTypeSupported: (type: string) => type.startsWith("video/mp4") });
    expect(canUseMse()).toBe(true);
    vi.stubGlobal("MediaSource", undefined);
    expect(canUseMse()).toBe(false);
  });

  it("loads the manifest into hls.js on the video, from the start position", async () => {
    const { engine } = make();
    expect(await engine.attach(MANIFEST, 42)).toBe(true);
    const hls = FakeHls.instances[0]!;
    expect(hls.source).toBe(MANIFEST);
    expect(hls.media).toBe(video);
    expect(hls.config.startPosition).toBe(42);
    expect(hls.config.maxBufferLength).toBe(8); // prefetch: 2 segments before play
    engine.destroy();
    expect(hls.destroyed).toBe(true);
  });

  it("answers false and creates nothing when hls.js says it is unsupported", async () => {
    FakeHls.supported = false;
    const { engine } = make();
    expect(await engine.attach(MANIFEST, undefined)).toBe(false);
    expect(FakeHls.instances).toEqual([]);
    engine.destroy();
  });

  it("creates nothing when destroyed while hls.js is still being imported", async () => {
    const open = countListeners(video);
    let load!: () => void;
    const loading = new Promise<void>((resolve) => (load = resolve));
    const { engine } = make({ loadHls: async () => (await loading, loadFakeHls()) });
    const attached = engine.attach(MANIFEST, undefined);
    engine.destroy();
    load();
    expect(await attached).toBe(false);
    expect(FakeHls.instances).toEqual([]);
    expect(open()).toEqual([0]);
  });

  it("emits quality changes and counts switches after the first choice", async () => {
    const { c, engine } = make();
    await engine.attach(MANIFEST, undefined);
    const changes = vi.fn();
    c.emitter.on(PlayerEvent.QualityChange, changes);
    const hls = FakeHls.instances[0]!;
    engine.setQuality(1);
    expect(engine.quality()).toBe(1);
    hls.fire("LEVEL_SWITCHED", { level: 1 });
    hls.fire("LEVEL_SWITCHED", { level: 0 });
    expect(changes.mock.calls.map(([e]) => e.level?.height)).toEqual([720, 360]);
    expect(c.onBitrateSwitch).toHaveBeenCalledTimes(1);
    expect(c.track).toHaveBeenCalledWith("quality", { height: 720, bitrate: 2_500_000 });
    engine.setQuality("auto");
    expect(engine.quality()).toBe("auto");
    engine.destroy();
  });

  it("hands an error past the recovery bound to the player", async () => {
    const { c, engine } = make({ maxRecoveries: 0 });
    await engine.attach(MANIFEST, undefined);
    const data = fatal("mediaError", "bufferAppendError");
    FakeHls.instances[0]!.fire("ERROR", data);
    expect(c.onGiveUp).toHaveBeenCalledWith("media", data);
    engine.destroy();
  });

  it("destroy removes prefetch's listeners and a pending recovery, so a destroyed hls.js is never restarted", async () => {
    vi.useFakeTimers();
    const open = countListeners(video);
    const { c, engine } = make();
    await engine.attach(MANIFEST, undefined);
    const hls = FakeHls.instances[0]!;
    expect(open()).toEqual([3]);
    hls.fire("ERROR", fatal("networkError", "fragLoadError"));
    expect(c.report).toHaveBeenCalledWith("network", "fragLoadError", expect.any(Error), false);
    expect(vi.getTimerCount()).toBe(1);
    engine.destroy();
    expect(open()).toEqual([0]);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(hls.calls).toEqual([]);
    expect(hls.destroyed).toBe(true);
  });
});
