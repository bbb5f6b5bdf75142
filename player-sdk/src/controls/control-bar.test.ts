// The element's own control bar under happy-dom with the fake hls.js (the real one plays in
// tests/e2e/library.test.ts under Chromium, where hover previews and rung switches are checked).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import "./index.ts";
import { READY_STREAM, restoreElementPage, stubElementPage } from "../testing/element-env.ts";
import { FakeHls, loadFakeHls } from "../testing/fake-hls.ts";

const TRACK = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nsprite-001.jpg?sig=T#xywh=0,0,160,90\n\n00:00:04.000 --> 00:00:08.000\nsprite-001.jpg?sig=T#xywh=160,0,160,90\n";

beforeEach(() =>
  stubElementPage((path) => {
    if (path.endsWith("/stream")) return Response.json({ ...READY_STREAM, thumbnailsUrl: "https://api.example/hls/v1/thumbnails/thumbnails.vtt?sig=T" });
    if (path.endsWith(".vtt")) return new Response(TRACK);
    return undefined;
  }),
);
afterEach(restoreElementPage);

async function mount() {
  const element = document.createElement("edgestream-player");
  element.loadHls = loadFakeHls;
  element.setAttribute("api-base", "https://api.example");
  element.setAttribute("video-id", "v1");
  element.setAttribute("token", "JWT");
  const ready = new Promise((resolve) => element.addEventListener("edgestream-ready", resolve, { once: true }));
  document.body.append(element);
  await ready;
  const root = element.shadowRoot!;
  const q = <T extends Element>(selector: string) => root.querySelector<T>(selector)!;
  return { element, root, q };
}

describe("control bar", () => {
  it("replaces the native controls with a labelled group of controls", async () => {
    const { element, q, root } = await mount();
    expect(element.video.controls).toBe(false);
    expect(q("[part=controls]").getAttribute("role")).toBe("group");
    const labels = [...root.querySelectorAll("[aria-label]")].map((el) => el.getAttribute("aria-label"));
    expect(labels).toEqual(expect.arrayContaining(["Video controls", "Play", "Seek", "Mute", "Volume", "Audio", "Subtitles", "Quality", "Speed", "Full screen"]));
  });

  it("lists auto and each rung, highest first, fixes one, and names the rung playing under auto", async () => {
    const { element, q } = await mount();
    const quality = q<HTMLSelectElement>("select[aria-label=Quality]");
    expect(quality.hidden).toBe(false);
    expect([...quality.options].map((o) => o.textContent)).toEqual(["Auto", "720p", "360p"]);
    FakeHls.instances[0]!.fire("LEVEL_SWITCHED", { level: 0 });
    expect(quality.options[0]!.textContent).toBe("Auto (360p)");
    quality.value = "1";
    quality.dispatchEvent(new Event("change"));
    expect(element.player!.quality).toBe(1);
    quality.value = "auto";
    quality.dispatchEvent(new Event("change"));
    expect(element.player!.quality).toBe("auto");
  });

  it("lists Audio and Subtitles only when the package has a choice of them, and switches through the track API", async () => {
    const { q } = await mount();
    const audio = q<HTMLSelectElement>("select[aria-label=Audio]");
    const subtitles = q<HTMLSelectElement>("select[aria-label=Subtitles]");
    const hls = FakeHls.instances[0]!;
    hls.audioTracks = [{ lang: "en", name: "English", default: true }];
    hls.fire("AUDIO_TRACKS_UPDATED", {});
    hls.updateSubtitleTracks([]);
    await vi.waitFor(() => expect(audio.options.length).toBe(1)); // the track controller loads on demand
    expect([audio.hidden, subtitles.hidden]).toEqual([true, true]);
    hls.audioTracks = [...hls.audioTracks, { lang: "fr", name: "Français", default: false }];
    hls.fire("AUDIO_TRACKS_UPDATED", {});
    hls.updateSubtitleTracks([{ lang: "fr", name: "Français", default: false, forced: false }]);
    await vi.waitFor(() => expect([audio.hidden, subtitles.hidden]).toEqual([false, false]));
    expect([...audio.options].map((o) => o.textContent)).toEqual(["English", "Français"]);
    expect([...subtitles.options].map((o) => o.textContent)).toEqual(["Off", "Français"]);
    expect([audio.value, subtitles.value]).toEqual(["0", "-1"]);
    audio.value = "1";
    audio.dispatchEvent(new Event("change"));
    subtitles.value = "0";
    subtitles.dispatchEvent(new Event("change"));
    expect([hls.audioTrack, hls.subtitleTrack]).toEqual([1, 0]);
    expect([audio.value, subtitles.value]).toEqual(["1", "0"]);
    subtitles.value = "-1";
    subtitles.dispatchEvent(new Event("change"));
    expect(hls.subtitleTrack).toBe(-1);
  });

  it("sets the speed and mutes from its controls", async () => {
    const { element, q } = await mount();
    const speed = q<HTMLSelectElement>("select[aria-label=Speed]");
    speed.value = "1.5";
    speed.dispatchEvent(new Event("change"));
    expect(element.video.playbackRate).toBe(1.5);
    q<HTMLButtonElement>("button[aria-label=Mute]").click();
    expect(element.video.muted).toBe(true);
    expect(q("button[part~=mute]").getAttribute("aria-label")).toBe("Unmute");
  });

  it("shows the sprite rectangle of the hovered time over the seek bar", async () => {
    const { element, q } = await mount();
    Object.defineProperty(element.video, "duration", { value: 8, configurable: true });
    element.video.dispatchEvent(new Event("durationchange"));
    const seek = q<HTMLInputElement>("input[aria-label=Seek]");
    seek.getBoundingClientRect = () => ({ left: 0, width: 800, top: 0, height: 20, right: 800, bottom: 20, x: 0, y: 0, toJSON() {} });
    const frame = q<HTMLElement>("[part=preview-frame]");
    await vi.waitFor(() => {
      seek.dispatchEvent(new PointerEvent("pointermove", { clientX: 600 }));
      expect(frame.hidden).toBe(false);
    });
    expect(frame.dataset["time"]).toBe("4");
    expect(frame.style.backgroundPosition).toBe("-160px 0px");
    expect(frame.style.backgroundImage).toContain("https://api.example/hls/v1/thumbnails/sprite-001.jpg?sig=T");
    expect(q("[part=preview]").textContent).toContain("0:06");
  });

  it("answers keys on the player: arrows seek 5 s, M mutes; keys in a focused control stay the control's", async () => {
    const { element, q } = await mount();
    Object.defineProperty(element.video, "duration", { value: 60, configurable: true });
    element.video.currentTime = 20;
    const key = (target: EventTarget, k: string) => target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, composed: true, cancelable: true }));
    key(element, "ArrowRight");
    expect(element.video.currentTime).toBe(25);
    key(element, "ArrowLeft");
    key(element, "ArrowLeft");
    expect(element.video.currentTime).toBe(15);
    key(element, "m");
    expect(element.video.muted).toBe(true);
    key(q("input[aria-label=Seek]"), "ArrowRight"); // the range moves itself, natively
    expect(element.video.currentTime).toBe(15);
  });

  it("leaves nothing behind when the element is removed, and none with nocontrols", async () => {
    const { element, root } = await mount();
    element.remove();
    expect(root.querySelector("[part=controls]")).toBeNull();
    const bare = document.createElement("edgestream-player");
    bare.loadHls = loadFakeHls;
    bare.setAttribute("nocontrols", "");
    bare.setAttribute("video-id", "v1");
    bare.setAttribute("token", "JWT");
    document.body.append(bare);
    expect(bare.shadowRoot!.querySelector("[part=controls]")).toBeNull();
    expect(bare.video.controls).toBe(false);
  });
});
