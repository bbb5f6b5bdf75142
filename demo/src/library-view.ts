// The library: upload, then a grid of cards with poster, title, duration and live status
// (uploading with progress and cancel → processing % → ready, or failed with the reason).
// Hovering a card for a moment pre-warms its video, so the player page starts faster.
import { formatTime } from "@edgestream/player-sdk/controls";
import { prewarm, type Prewarmed } from "@edgestream/player-sdk/prewarm";
import { ApiError, listVideos, posterOf, token, uploadVideo, type Upload, type VideoSummary } from "./api.ts";
import { el } from "./dom.ts";
import { lastWatched } from "./last-watched.ts";
import { percent, videoStatus } from "./words.ts";

/** Pre-warmed videos, by id: the player page hands the answer to its player. */
export const warmed = new Map<string, Promise<Prewarmed | null>>();
const HOVER_MS = 300;
const posters = new Map<string, Promise<string | undefined>>();
const uploads = new Map<string, { file: string; fraction: number; upload: Upload; error?: string }>();
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let root: HTMLElement | null = null;

export function warm(id: string): Promise<Prewarmed | null> {
  let entry = warmed.get(id);
  if (!entry) warmed.set(id, (entry = prewarm(id, { token: token() }).catch(() => null)));
  return entry;
}

export function showLibrary(main: HTMLElement): () => void {
  root = main;
  const input = el("input", { type: "file", id: "file", accept: "video/*,audio/*,.mkv", class: "visually-hidden" });
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (file) startUpload(file);
    input.value = "";
  });
  main.replaceChildren(
    el(
      "section",
      { class: "library", "aria-labelledby": "library-title" },
      el("div", { class: "library-head" }, el("h1", { id: "library-title" }, "Videos"), el("label", { class: "button primary", for: "file" }, "Upload a video"), input),
      el("div", { id: "continue" }),
      el("ul", { id: "grid", class: "grid", "aria-live": "polite" }, el("li", { class: "empty" }, "Loading your videos…")),
    ),
  );
  void refresh();
  return () => {
    clearTimeout(refreshTimer);
    root = null;
  };
}

function startUpload(file: File): void {
  const key = crypto.randomUUID();
  const title = file.name.replace(/\.[^.]+$/, "") || "Untitled";
  const upload = uploadVideo(file, title, (fraction) => {
    entry.fraction = fraction;
    render();
  });
  const entry = { file: title, fraction: 0, upload } as { file: string; fraction: number; upload: Upload; error?: string };
  uploads.set(key, entry);
  render();
  upload.done.then(
    () => {
      uploads.delete(key);
      void refresh();
    },
    (error: ApiError) => {
      if (error.code === "cancelled") uploads.delete(key);
      else entry.error = error.message;
      render();
    },
  );
}

let videos: VideoSummary[] = [];

async function refresh(): Promise<void> {
  clearTimeout(refreshTimer);
  try {
    videos = await listVideos();
  } catch (error) {
    if (root) root.querySelector("#grid")!.replaceChildren(el("li", { class: "empty error" }, (error as Error).message));
    return;
  }
  render();
  // While something is processing, look again now and then: the card moves on to ready by itself.
  if (root && videos.some((v) => v.status === "pending" || v.status === "generating")) refreshTimer = setTimeout(() => void refresh(), 2000);
}

function render(): void {
  const grid = root?.querySelector("#grid");
  if (!grid) return;
  for (const key of uploadCards.keys()) if (!uploads.has(key)) uploadCards.delete(key);
  const cards = [...[...uploads].map(([key, u]) => uploadCard(key, u)), ...videos.map(videoCard)];
  grid.replaceChildren(...(cards.length ? cards : [el("li", { class: "empty" }, "No videos yet. Upload one to get started.")]));
  const last = videos.find((v) => v.id === lastWatched());
  root!.querySelector("#continue")!.replaceChildren(...(last ? [el("p", { class: "continue" }, "Continue watching: ", el("a", { href: `#/watch/${last.id}` }, last.title))] : []));
}

const uploadCards = new Map<string, { card: HTMLLIElement; bar: HTMLProgressElement; status: HTMLElement; failed: boolean }>();

/** Upload cards are updated in place: the Cancel button must not be replaced under the pointer. */
function uploadCard(key: string, u: { file: string; fraction: number; upload: Upload; error?: string }): HTMLLIElement {
  const known = uploadCards.get(key);
  if (known && known.failed === !!u.error) {
    known.bar.value = u.fraction;
    known.status.textContent = `Uploading · ${percent(u.fraction)}`;
    return known.card;
  }
  const bar = el("progress", { max: "1", value: String(u.fraction), "aria-label": `Uploading ${u.file}` });
  const cancel = el("button", { type: "button", class: "button" }, u.error ? "Dismiss" : "Cancel");
  cancel.addEventListener("click", () => {
    if (u.error) uploads.delete(key), render();
    else u.upload.cancel();
  });
  const status = u.error ? el("p", { class: "status error" }, `Upload failed: ${u.error}`) : el("p", { class: "status" }, `Uploading · ${percent(u.fraction)}`);
  const card = el("li", { class: "card uploading", "data-upload": key }, el("div", { class: "poster placeholder" }, u.error ? null : bar), el("div", { class: "card-body" }, el("h2", {}, u.file), status, cancel));
  uploadCards.set(key, { card, bar, status, failed: !!u.error });
  return card;
}

function videoCard(v: VideoSummary): HTMLLIElement {
  const img = el("img", { alt: "", loading: "lazy", hidden: "" });
  if (v.status === "ready") {
    if (!posters.has(v.id)) posters.set(v.id, posterOf(v.id).catch(() => undefined));
    void posters.get(v.id)!.then((url) => url && ((img.src = url), img.removeAttribute("hidden")));
  }
  const duration = v.durationMs ? el("span", { class: "duration" }, formatTime(v.durationMs / 1000)) : null;
  const processing = v.status === "generating" ? el("progress", { max: "1", value: String(v.progress), "aria-label": `Processing ${v.title}` }) : null;
  const link = el("a", { href: `#/watch/${v.id}`, class: "card-link" }, v.title);
  const card = el(
    "li",
    { class: `card ${v.status}`, "data-video-id": v.id, "data-status": v.status },
    el("div", { class: "poster" }, img, duration, processing),
    el("div", { class: "card-body" }, el("h2", {}, link), el("p", { class: `status${v.status === "failed" ? " error" : ""}` }, videoStatus(v)), v.owned ? el("span", { class: "tag" }, "Yours") : null),
  );
  // A hover of a moment (or keyboard focus) pre-warms: /stream, the first playlists and segments.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const start = () => (timer = setTimeout(() => v.status !== "failed" && void warm(v.id), HOVER_MS));
  const stop = () => clearTimeout(timer);
  card.addEventListener("pointerenter", start);
  card.addEventListener("pointerleave", stop);
  link.addEventListener("focus", start);
  link.addEventListener("blur", stop);
  card.addEventListener("click", (event) => {
    if (!(event.target as Element).closest("a,button")) link.click();
  });
  return card;
}
