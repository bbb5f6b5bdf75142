// The player page over DASH (#/watch/<id>/dash): Shaka Player, loaded only here, plays /stream's
// dashUrl (the package's MPD, its token in the path), with audio and subtitle choices from Shaka's
// own track API. No SDK here: the SDK plays HLS; this page shows the same package as DASH players see it.
import type shakaType from "shaka-player";
import { ApiError, getVideo, streamOf } from "./api.ts";
import { freshTokenFilter } from "./dash-token.ts";
import { el } from "./dom.ts";

type Shaka = typeof shakaType;
type AudioTrack = shakaType.extern.AudioTrack;

const OFF = "off";

export function showDashPlayer(main: HTMLElement, id: string): () => void {
  const video = el("video", { controls: "", muted: "", autoplay: "", playsinline: "", id: "dash-video", class: "dash-video" });
  const status = el("p", { id: "status", class: "status", role: "status" }, "Loading…");
  const audio = el("select", { id: "dash-audio", name: "audio" });
  const text = el("select", { id: "dash-text", name: "subtitles" });
  const title = el("h1", { id: "video-title" }, "");
  const manifest = el("dd", { "data-fact": "Manifest" }, "");
  main.replaceChildren(
    el("nav", { class: "crumbs" }, el("a", { href: "#/" }, "← All videos"), " · ", el("a", { href: `#/watch/${id}`, id: "hls-switch" }, "Play over HLS")),
    el(
      "section",
      { class: "watch", "aria-labelledby": "video-title" },
      el("div", { class: "stage" }, video),
      el("div", { class: "watch-head" }, title, el("p", { class: "meta" }, "DASH · Shaka Player")),
      el("div", { class: "inline" }, el("label", { for: "dash-audio" }, "Audio"), audio, el("label", { for: "dash-text" }, "Subtitles"), text),
      status,
      el("details", { class: "details" }, el("summary", {}, "Technical details"), el("dl", { class: "facts" }, el("dt", {}, "Manifest"), manifest)),
    ),
  );
  let player: InstanceType<Shaka["Player"]> | null = null;
  let alive = true;
  const fail = (message: string) => {
    status.textContent = message;
    status.classList.add("error");
  };

  void (async () => {
    try {
      const [summary, stream] = await Promise.all([getVideo(id), streamOf(id)]);
      title.textContent = summary.title;
      if (stream.status !== "ready" || !stream.dashUrl) return fail("This video has no DASH manifest (yet): play it over HLS.");
      manifest.textContent = stream.dashUrl;
      const { default: shaka } = await import("shaka-player");
      if (!alive) return;
      shaka.polyfill.installAll();
      player = new shaka.Player();
      await player.attach(video);
      // Tokens last minutes (STREAM_TOKEN_TTL_SECONDS); a film lasts longer.
      player.getNetworkingEngine()!.registerRequestFilter(freshTokenFilter(id, { dashUrl: stream.dashUrl, expiresAt: stream.expiresAt, sessionId: stream.sessionId }));
      player.addEventListener("error", (event) => fail(`Shaka Player error ${(event as unknown as { detail: { code: number } }).detail.code}`));
      await player.load(stream.dashUrl);
      if (!alive) return;
      listTracks(player, audio, text);
      video.addEventListener("playing", () => (status.textContent = "Playing"));
      video.addEventListener("pause", () => (status.textContent = "Paused"));
      await video.play().catch(() => (status.textContent = "Ready to play"));
    } catch (error) {
      fail(error instanceof ApiError && error.status === 404 ? "This video doesn't exist, or it isn't shared with you." : (error as Error).message);
    }
  })();
  return () => {
    alive = false;
    void player?.destroy();
  };
}

/** Fills the two menus from Shaka's tracks and selects through its API on change. */
function listTracks(player: InstanceType<Shaka["Player"]>, audio: HTMLSelectElement, text: HTMLSelectElement): void {
  const audioTracks = player.getAudioTracks();
  const name = (t: { label: string | null; language: string }) => t.label || languageName(t.language);
  const audioLabel = (t: AudioTrack) => `${name(t)}${t.channelsCount && t.channelsCount > 2 ? ` (${t.channelsCount} ch)` : ""}${t.roles.includes("commentary") ? " · commentary" : ""}`;
  audio.replaceChildren(...audioTracks.map((t, i) => el("option", { value: String(i), ...(t.active ? { selected: "" } : {}) }, audioLabel(t))));
  audio.disabled = audioTracks.length < 2;
  audio.addEventListener("change", () => player.selectAudioTrack(audioTracks[Number(audio.value)]!));
  const textTracks = player.getTextTracks();
  text.replaceChildren(el("option", { value: OFF }, "Off"), ...textTracks.map((t, i) => el("option", { value: String(i), ...(t.active ? { selected: "" } : {}) }, `${name(t)}${t.forced ? " (forced)" : ""}`)));
  text.disabled = textTracks.length === 0;
  text.addEventListener("change", () => player.selectTextTrack(text.value === OFF ? null : textTracks[Number(text.value)]!));
}

/** "fr" → "French" (in the browser's language); a track that names no language is the default one. */
function languageName(code: string): string {
  if (!code || code === "und") return "Default";
  try {
    return new Intl.DisplayNames([navigator.language], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}
