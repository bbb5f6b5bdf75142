import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PlayerEvent } from "../events.ts";
import { engineContext } from "../testing/engine-context.ts";
import { countListeners } from "../testing/listener-count.ts";
import { ElementEngine, canPlayNativeHls } from "./element-engine.ts";

const MANIFEST = "https://api.example/hls/v1/master.m3u8?sig=T1";
const MP4 = "https://api.example/hls/v1/full.mp4?sig=T1";
let video: HTMLVideoElement;

beforeEach(() => {
  video = document.createElement("video");
  vi.spyOn(Math, "random").mockReturnValue(0.5); // no jitter: the first reload waits exactly 250 ms
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const fire = (name: string) => video.dispatchEvent(new Event(name));

describe("ElementEngine", () => {
  it("asks the element whether it plays HLS itself", () => {
    video.canPlayType = (type: string) => (type === "application/vnd.apple.mpegurl" ? "maybe" : "");
    expect(canPlayNativeHls(video)).toBe(true);
    video.canPlayType = () => "";
    expect(canPlayNativeHls(video)).toBe(false);
  });

  it("hands the URL to the element and seeks to the start position once, when metadata loads", async () => {
    const engine = new ElementEngine("native", { ...engineContext(video, MANIFEST, []), isPlaying: () => false });
    expect(await engine.attach(MANIFEST, 40)).toBe(true);
    expect(video.src).toBe(MANIFEST);
    fire("loadedmetadata");
    expect(video.currentTime).toBe(40);
    video.currentTime = 3;
    fire("loadedmetadata");
    expect(video.currentTime).toBe(3);
    expect(engine.levels()).toEqual([]);
    expect(engine.quality()).toBe("auto");
    engine.destroy();
  });

  it("reloads the MP4 with a fresh token at the same position after an error, and says so when it plays again", async () => {
    vi.useFakeTimers();
    const c = engineContext(video, MANIFEST, ["https://api.example/hls/v1/master.m3u8?sig=T2"]);
    const engine = new ElementEngine("mp4", { ...c, isPlaying: () => true });
    await engine.attach(MP4, undefined);
    const recovered = vi.fn();
    c.emitter.on(PlayerEvent.Recovered, recovered);
    video.currentTime = 33;
    fire("error");
    await vi.advanceTimersByTimeAsync(249);
    expect(video.src).toBe(MP4);
    await vi.advanceTimersByTimeAsync(1);
    expect(video.src).toBe("https://api.example/hls/v1/full.mp4?sig=T2");
    video.currentTime = 0; // the element starts the new source from 0
    fire("loadedmetadata");
    expect(video.currentTime).toBe(33);
    fire("playing");
    fire("playing");
    expect(recovered.mock.calls).toEqual([[{ from: "native-reload" }]]);
    expect(c.report).not.toHaveBeenCalled();
    engine.destroy();
  });

  it("fails with a message a person can act on after maxRecoveries reloads", async () => {
    vi.useFakeTimers();
    const c = engineContext(video, MANIFEST, [], { maxRecoveries: 1 });
    const engine = new ElementEngine("native", { ...c, isPlaying: () => false });
    await engine.attach(MANIFEST, undefined);
    fire("error");
    await vi.advanceTimersByTimeAsync(250);
    fire("error");
    expect(c.report).toHaveBeenCalledTimes(1);
    const [type, details, error, fatal] = c.report.mock.calls[0]!;
    expect({ type, details, fatal }).toEqual({ type: "network", details: "native-reload-failed", fatal: true });
    expect(error.message).toMatch(/could not be resumed: check the connection/);
    engine.destroy();
  });

  it("destroy removes its listeners and a pending reload, and empties the element", async () => {
    vi.useFakeTimers();
    const open = countListeners(video);
    const c = engineContext(video, MANIFEST, []);
    const refresh = vi.spyOn(c.token, "refresh");
    const engine = new ElementEngine("native", { ...c, isPlaying: () => false });
    await engine.attach(MANIFEST, 40);
    fire("error");
    expect(vi.getTimerCount()).toBe(1);
    engine.destroy();
    expect(open()).toEqual([0]);
    expect(vi.getTimerCount()).toBe(0);
    expect(video.hasAttribute("src")).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(refresh).not.toHaveBeenCalled();
  });
});
