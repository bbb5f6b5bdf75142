// <edgestream-player> under happy-dom with the fake hls.js (testing/fake-hls.ts; happy-dom has no MSE).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EdgestreamPlayerElement, PRELOAD_HOVER_MS } from "./element.ts";
import { restoreElementPage, stubElementPage } from "./testing/element-env.ts";
import { FakeHls, loadFakeHls } from "./testing/fake-hls.ts";

beforeEach(() => stubElementPage());
afterEach(restoreElementPage);

const create = (attributes: Record<string, string>) => {
  const element = document.createElement("edgestream-player");
  element.loadHls = loadFakeHls;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
};

describe("<edgestream-player>", () => {
  it("is registered, plays from its attributes, re-dispatches player events, and destroys the player when removed", async () => {
    const element = create({ "api-base": "https://api.example", "video-id": "v1", token: "JWT", muted: "" });
    expect(element).toBeInstanceOf(EdgestreamPlayerElement);
    const ready = new Promise<CustomEvent>((resolve) => element.addEventListener("edgestream-ready", (e) => resolve(e as CustomEvent), { once: true }));
    document.body.append(element);
    expect((await ready).detail).toEqual({ manifestUrl: "https://api.example/hls/v1/master.m3u8?sig=T", engine: "hls.js" });
    expect(FakeHls.instances[0]!.media).toBe(element.video);
    expect(element.video.muted).toBe(true);
    expect(element.video.controls).toBe(true);
    const player = element.player!;
    element.remove();
    expect(player.status).toBe("destroyed");
    expect(FakeHls.instances[0]!.destroyed).toBe(true);
    expect(element.player).toBeNull();
  });

  it("starts over when video-id changes", async () => {
    const element = create({ "api-base": "https://api.example", "video-id": "v1", token: "JWT" });
    document.body.append(element);
    const first = element.player!;
    element.setAttribute("video-id", "v2");
    expect(first.status).toBe("destroyed");
    expect(element.player).not.toBe(first);
  });

  it("with preload=hover, starts only after a hover of a moment (a passing pointer does not count)", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const element = create({ "api-base": "https://api.example", "video-id": "v1", token: "JWT", preload: "hover" });
      document.body.append(element);
      expect(element.player).toBeNull();
      element.dispatchEvent(new Event("pointerenter"));
      vi.advanceTimersByTime(PRELOAD_HOVER_MS - 1);
      element.dispatchEvent(new Event("pointerleave"));
      vi.advanceTimersByTime(PRELOAD_HOVER_MS);
      expect(element.player).toBeNull();
      element.dispatchEvent(new Event("pointerenter"));
      vi.advanceTimersByTime(PRELOAD_HOVER_MS);
      expect(element.player).not.toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("with preload, starts once the element is on screen", () => {
    const observers: { callback: (entries: { isIntersecting: boolean }[]) => void; disconnected: boolean }[] = [];
    vi.stubGlobal(
      "IntersectionObserver",
      class {
        record: (typeof observers)[number];
        constructor(callback: (entries: { isIntersecting: boolean }[]) => void) {
          observers.push((this.record = { callback, disconnected: false }));
        }
        observe() {}
        disconnect() {
          this.record.disconnected = true;
        }
      },
    );
    const element = create({ "api-base": "https://api.example", "video-id": "v1", token: "JWT", preload: "" });
    document.body.append(element);
    expect(element.player).toBeNull();
    observers[0]!.callback([{ isIntersecting: false }]);
    expect(element.player).toBeNull();
    observers[0]!.callback([{ isIntersecting: true }]);
    expect(element.player).not.toBeNull();
    expect(observers[0]!.disconnected).toBe(true);
  });

  it("tells the page, rather than throwing, when its attributes are wrong", () => {
    const element = create({ token: "JWT", "video-id": "../etc" });
    const errors: CustomEvent[] = [];
    element.addEventListener("edgestream-error", (e) => errors.push(e as CustomEvent));
    document.body.append(element);
    expect(errors[0]!.detail).toMatchObject({ type: "unsupported", details: "bad-attributes", fatal: true });
    expect(String(errors[0]!.detail.error.message)).toMatch(/videoId must be a video id/);
  });
});
