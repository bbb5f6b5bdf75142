// The player's own small control bar: play/pause, a seek bar with a thumbnail preview on hover,
// time, quality (auto + each rung, the rung playing reported), speed, mute/volume, fullscreen.
// Native controls (buttons, ranges, selects) so keyboards and screen readers work without ARIA
// tricks; keys on the player: Space/K play, ←/→ 5 s, M mute, F fullscreen.
import { PlayerEvent } from "../events.ts";
import type { Player } from "../player.ts";
import { Scope } from "../scope.ts";
import { loadThumbnails, type Thumbnails } from "../thumbnails/index.ts";
import type { Tracks } from "../tracks/index.ts";
import { CONTROLS_CSS } from "./controls-style.ts";
import { formatTime } from "./format-time.ts";

export interface Controls {
  /** The bar's root element (part="controls"). */
  readonly element: HTMLElement;
  destroy(): void;
}

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];

const ICONS: Record<string, string> = {
  play: "M8 5v14l11-7z",
  pause: "M6 5h4v14H6zm8 0h4v14h-4z",
  volume: "M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z",
  muted: "M3 9v6h4l5 5V4L7 9H3zm18.5 3-3-3-1.4 1.4 3 3-3 3 1.4 1.4 3-3 3 3 1.4-1.4-3-3z",
  full: "M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z",
};

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) el.setAttribute(key, value);
  el.append(...children);
  return el;
}

function iconButton(label: string, part: string): HTMLButtonElement {
  const button = h("button", { type: "button", part: `button ${part}`, "aria-label": label });
  button.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true"><path/></svg>`;
  return button;
}

function setIcon(button: HTMLButtonElement, icon: string, label: string): void {
  button.querySelector("path")!.setAttribute("d", ICONS[icon]!);
  button.setAttribute("aria-label", label);
  button.title = label;
}

/**
 * Mounts the bar into `root` (the web component's shadow root, or any element over the video) for
 * `player`; `host` is what goes fullscreen and listens for keys. destroy() removes all of it.
 */
export function attachControls(root: ShadowRoot | HTMLElement, player: Player, host: HTMLElement): Controls {
  const { video } = player;
  const scope = new Scope();
  const style = h("style", {}, CONTROLS_CSS);
  const play = iconButton("Play", "play");
  const seek = h("input", { type: "range", min: "0", max: "0", step: "any", value: "0", "aria-label": "Seek", part: "seek" });
  const frame = h("div", { class: "frame", part: "preview-frame", hidden: "" });
  const previewTime = h("span");
  const preview = h("div", { class: "preview", part: "preview", hidden: "", "aria-hidden": "true" }, frame, previewTime);
  const time = h("span", { class: "time", part: "time" }, "0:00 / 0:00");
  const mute = iconButton("Mute", "mute");
  const volume = h("input", { type: "range", class: "vol", min: "0", max: "1", step: "0.05", value: String(video.volume), "aria-label": "Volume", part: "volume" });
  const quality = h("select", { "aria-label": "Quality", part: "menu quality", hidden: "" });
  const audio = h("select", { "aria-label": "Audio", part: "menu audio", hidden: "" });
  const subtitles = h("select", { "aria-label": "Subtitles", part: "menu subtitles", hidden: "" });
  const speed = h("select", { "aria-label": "Speed", part: "menu speed" }, ...SPEEDS.map((rate) => h("option", { value: String(rate) }, rate === 1 ? "1×" : `${rate}×`)));
  speed.value = "1";
  const full = iconButton("Full screen", "fullscreen");
  setIcon(full, "full", "Full screen");
  const bar = h(
    "div",
    { class: "bar", part: "controls", role: "group", "aria-label": "Video controls" },
    h("div", { class: "seek" }, seek, preview),
    play,
    mute,
    volume,
    time,
    h("span", { class: "spacer" }),
    audio,
    subtitles,
    quality,
    speed,
    full,
  );
  root.append(style, bar);

  let thumbnails: Thumbnails | null = null;
  const duration = () => (Number.isFinite(video.duration) ? video.duration : 0);

  const render = () => {
    const paused = video.paused;
    setIcon(play, paused ? "play" : "pause", paused ? "Play" : "Pause");
    setIcon(mute, video.muted || video.volume === 0 ? "muted" : "volume", video.muted ? "Unmute" : "Mute");
    seek.max = String(duration());
    if (!seeking) seek.value = String(video.currentTime);
    const now = formatTime(video.currentTime);
    const total = formatTime(duration());
    time.textContent = `${now} / ${total}`;
    seek.setAttribute("aria-valuetext", `${now} of ${total}`);
    volume.value = String(video.muted ? 0 : video.volume);
  };

  /** Auto plus one entry per rung (highest first); the auto entry names the rung playing now. */
  const renderQuality = () => {
    const levels = player.levels;
    quality.hidden = levels.length < 2;
    const current = levels[currentLevel];
    const auto = h("option", { value: "auto" }, current ? `Auto (${current.height}p)` : "Auto");
    const rungs = [...levels].sort((a, b) => b.height - a.height || b.bitrate - a.bitrate).map((l) => h("option", { value: String(l.index) }, `${l.height}p`));
    quality.replaceChildren(auto, ...rungs);
    quality.value = String(player.quality);
    quality.dataset["current"] = current ? `${current.height}p` : "";
  };
  let currentLevel = -1;
  let seeking = false;

  /** Audio when there is a choice (more than one track), Subtitles (Off, then each) when there are any. */
  let tracks: Tracks | null = null;
  const renderTracks = (t: Tracks) => {
    const option = (id: number, label: string) => h("option", { value: String(id) }, label);
    audio.hidden = t.audio.length < 2;
    audio.replaceChildren(...t.audio.map((a) => option(a.id, a.name || a.language || `Audio ${a.id + 1}`)));
    audio.value = String(t.audioTrack);
    subtitles.hidden = !t.subtitles.length;
    subtitles.replaceChildren(option(-1, "Off"), ...t.subtitles.map((s) => option(s.id, s.name || s.language || `Subtitles ${s.id + 1}`)));
    subtitles.value = String(t.subtitleTrack);
  };

  const toggle = () => (video.paused ? void player.play().catch(() => {}) : player.pause());
  const toggleFullscreen = () => (document.fullscreenElement ? void document.exitFullscreen() : void host.requestFullscreen?.().catch(() => {}));

  const showPreview = (event: PointerEvent) => {
    const rect = seek.getBoundingClientRect();
    const ratio = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
    const at = ratio * duration();
    const thumb = thumbnails?.thumbnailAt(Math.min(at, duration() - 0.001));
    frame.hidden = !thumb;
    if (thumb) {
      Object.assign(frame.style, { width: `${thumb.w}px`, height: `${thumb.h}px`, backgroundImage: `url("${thumb.url}")`, backgroundPosition: `-${thumb.x}px -${thumb.y}px` });
      frame.dataset["time"] = String(thumb.start);
    }
    previewTime.textContent = formatTime(at);
    preview.style.left = `${ratio * 100}%`;
    preview.hidden = !duration();
  };

  for (const type of ["play", "pause", "timeupdate", "durationchange", "volumechange", "loadedmetadata", "seeked"]) scope.listen(video, type, render);
  scope.listen(play, "click", toggle);
  scope.listen(seek, "input", () => {
    seeking = true;
    player.seek(Number(seek.value));
  });
  scope.listen(seek, "change", () => (seeking = false));
  scope.listen(seek, "pointermove", (event) => showPreview(event as PointerEvent));
  scope.listen(seek, "pointerleave", () => (preview.hidden = true));
  scope.listen(mute, "click", () => {
    video.muted = !video.muted;
    if (!video.muted && video.volume === 0) video.volume = 1;
    render();
  });
  scope.listen(volume, "input", () => {
    video.volume = Number(volume.value);
    video.muted = video.volume === 0;
  });
  scope.listen(quality, "change", () => {
    player.setQuality(quality.value === "auto" ? "auto" : Number(quality.value));
    renderQuality();
  });
  scope.listen(audio, "change", () => tracks?.setAudioTrack(Number(audio.value)));
  scope.listen(subtitles, "change", () => tracks?.setSubtitleTrack(Number(subtitles.value)));
  scope.listen(speed, "change", () => player.setPlaybackRate(Number(speed.value)));
  scope.listen(full, "click", toggleFullscreen);
  scope.listen(video, "click", toggle);
  scope.listen(host, "keydown", (e) => {
    const event = e as KeyboardEvent;
    const target = event.composedPath()[0] as HTMLElement;
    // Keys belong to the focused control first (a range moves with arrows, a select opens with Space).
    if (target?.tagName === "INPUT" || target?.tagName === "SELECT" || (target?.tagName === "BUTTON" && (event.key === " " || event.key === "Enter"))) return;
    const actions: Record<string, () => void> = {
      " ": toggle,
      k: toggle,
      ArrowLeft: () => player.seek(video.currentTime - 5),
      ArrowRight: () => player.seek(Math.min(duration(), video.currentTime + 5)),
      m: () => (video.muted = !video.muted),
      f: toggleFullscreen,
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  if (!host.hasAttribute("tabindex")) host.tabIndex = 0;

  const offs = [
    player.on(PlayerEvent.Ready, () => {
      renderQuality();
      // The track controller is loaded on demand (its own chunk): most videos have one audio track and no subtitles.
      if (!tracks)
        void import("../tracks/index.ts").then(({ createTracks }) => {
          if (scope.destroyed) return;
          tracks = createTracks(player);
          tracks.on("change", renderTracks);
          renderTracks(tracks);
        });
      const url = player.stream?.status === "ready" ? player.stream.thumbnailsUrl : undefined;
      if (url) loadThumbnails(url, scope.signal).then((t) => (thumbnails = t), () => {});
    }),
    player.on(PlayerEvent.QualityChange, ({ level }) => {
      currentLevel = level?.index ?? -1;
      renderQuality();
    }),
  ];
  render();
  return {
    element: bar,
    destroy() {
      scope.destroy();
      tracks?.destroy();
      for (const off of offs) off();
      style.remove();
      bar.remove();
    },
  };
}
