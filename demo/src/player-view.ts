// The player page: <edgestream-player> with the SDK's control bar (scrubbing thumbnails, quality,
// speed), a "resume at 0:20" offer when there is saved progress, owner actions, and the technical
// facts (engine, codes, session) inside a details disclosure only.
import "@edgestream/player-sdk/controls";
import { formatTime } from "@edgestream/player-sdk/controls";
import type { EdgestreamPlayerElement } from "@edgestream/player-sdk/element";
import type { PlayerErrorData } from "@edgestream/player-sdk";
import { subtitlesForm } from "./subtitles-form.ts";
import { ApiError, deleteVideo, getVideo, savedProgress, token, updateVideo, type VideoSummary } from "./api.ts";
import { analyticsPanel } from "./analytics-panel.ts";
import { el } from "./dom.ts";
import { forgetWatched, rememberWatched } from "./last-watched.ts";
import { warmed } from "./library-view.ts";
import { upNext } from "./up-next.ts";
import { playerStatus, videoStatus, VISIBILITY_WORDS } from "./words.ts";

/** Saved progress this far from either end is worth an offer. */
const RESUME_MIN_SEC = 3;

export function showPlayer(main: HTMLElement, id: string, autoplay: boolean): () => void {
  const status = el("p", { id: "status", class: "status", role: "status" }, "Loading…");
  const facts = el("dl", { class: "facts" });
  const details = el("details", { class: "details" }, el("summary", {}, "Technical details"), facts);
  const head = el("div", { class: "watch-head" });
  const resume = el("div", { class: "resume", hidden: "" });
  const owner = el("div", { class: "owner" });
  const next = el("p", { class: "up-next" });
  const player = document.createElement("edgestream-player") as EdgestreamPlayerElement;
  main.replaceChildren(
    el("nav", { class: "crumbs" }, el("a", { href: "#/" }, "← All videos"), " · ", el("a", { href: `#/watch/${id}/dash`, id: "dash-switch" }, "Play over DASH")),
    el("section", { class: "watch", "aria-labelledby": "video-title" }, el("div", { class: "stage" }, player), head, resume, status, next, owner, details),
  );
  const fact = (name: string, value: string) => {
    const existing = facts.querySelector(`[data-fact="${name}"]`);
    if (existing) existing.textContent = value;
    else facts.append(el("dt", {}, name), el("dd", { "data-fact": name }, value));
  };
  fact("Video id", id);
  let alive = true;
  let leaveNext = () => {};

  void (async () => {
    let video: VideoSummary;
    try {
      video = await getVideo(id);
    } catch (error) {
      status.textContent = error instanceof ApiError && error.status === 404 ? "This video doesn't exist, or it isn't shared with you." : (error as Error).message;
      status.classList.add("error");
      fact("Error code", (error as ApiError).code ?? "unknown");
      forgetWatched(id);
      return;
    }
    if (!alive) return;
    rememberWatched(id);
    if (video.error) fact("Failure reason", video.error);
    renderHead(head, video);
    if (video.owned) renderOwner(owner, video, head), owner.after(analyticsPanel(id));
    // A card hovered a moment ago pre-warmed this video: its /stream answer goes to the player.
    const [warmAnswer, saved] = await Promise.all([warmed.get(id) ?? null, savedProgress(id).catch(() => null)]);
    if (!alive) return;
    if (warmAnswer) player.stream = warmAnswer.stream;
    // Start where the viewer chooses: at the beginning, with an offer to go back to the saved point.
    player.setAttribute("start-position", "0");
    player.setAttribute("api-base", "");
    player.setAttribute("token", token());
    if (autoplay) player.setAttribute("autoplay", "");
    player.setAttribute("muted", "");
    player.addEventListener("edgestream-status", ((e: CustomEvent<{ status: Parameters<typeof playerStatus>[0]; progress?: number }>) => {
      const words = playerStatus(e.detail.status, e.detail.progress);
      if (words) (status.textContent = words), status.classList.remove("error");
      fact("Player status", e.detail.status);
    }) as EventListener);
    player.addEventListener("edgestream-ready", ((e: CustomEvent<{ engine: string }>) => {
      fact("Engine", e.detail.engine);
      fact("Playback session", player.player?.sessionId ?? "none");
    }) as EventListener);
    player.addEventListener("edgestream-playing", () => fact("Time to first frame", `${Math.round(player.player?.qoe.timeToFirstFrameMs ?? 0)} ms`));
    player.addEventListener("edgestream-qualitychange", ((e: CustomEvent<{ level: { height: number } | null; auto: boolean }>) => {
      fact("Rendition", `${e.detail.level ? `${e.detail.level.height}p` : "unknown"}${e.detail.auto ? " (automatic)" : ""}`);
    }) as EventListener);
    player.addEventListener("edgestream-error", ((e: CustomEvent<PlayerErrorData>) => {
      fact("Error code", `${e.detail.type}/${e.detail.details}`);
      if (!e.detail.fatal) return;
      status.textContent = e.detail.error.message.replace(/^./, (c) => c.toUpperCase());
      status.classList.add("error");
    }) as EventListener);
    player.setAttribute("video-id", id);
    fact("Pre-warmed", warmAnswer ? "yes" : "no");
    leaveNext = upNext(id, player.video, next);

    const position = saved?.positionSec ?? 0;
    const duration = (video.durationMs ?? 0) / 1000 || (saved?.durationSec ?? 0);
    if (position >= RESUME_MIN_SEC && (!duration || position < duration - RESUME_MIN_SEC)) {
      const go = el("button", { type: "button", class: "button primary", id: "resume" }, `Resume at ${formatTime(position)}`);
      const dismiss = el("button", { type: "button", class: "button" }, "Start over");
      go.addEventListener("click", () => {
        player.player?.seek(position);
        void player.player?.play().catch(() => {});
        resume.hidden = true;
      });
      dismiss.addEventListener("click", () => (resume.hidden = true));
      resume.replaceChildren(el("span", {}, "You watched part of this before."), go, dismiss);
      resume.hidden = false;
    }
  })();
  return () => {
    alive = false;
    leaveNext();
    player.remove();
  };
}

function renderHead(head: HTMLElement, v: VideoSummary): void {
  const meta = [v.durationMs ? formatTime(v.durationMs / 1000) : null, VISIBILITY_WORDS[v.visibility], v.status === "ready" ? null : videoStatus(v)].filter(Boolean).join(" · ");
  head.replaceChildren(el("h1", { id: "video-title" }, v.title), el("p", { class: "meta" }, meta));
}

/** Rename, visibility and delete, for the owner only (the worker checks it again). */
function renderOwner(owner: HTMLElement, v: VideoSummary, head: HTMLElement): void {
  const title = el("input", { name: "title", value: v.title, maxlength: "200", required: "", id: "rename-title" });
  const rename = el("form", { class: "inline", id: "rename" }, el("label", { for: "rename-title" }, "Title"), title, el("button", { type: "submit", class: "button" }, "Rename"));
  const visibility = el(
    "select",
    { id: "visibility", name: "visibility" },
    ...(Object.keys(VISIBILITY_WORDS) as VideoSummary["visibility"][]).map((key) => el("option", { value: key }, VISIBILITY_WORDS[key])),
  );
  visibility.value = v.visibility;
  const remove = el("button", { type: "button", class: "button danger", id: "delete" }, "Delete video");
  const note = el("p", { class: "owner-note", role: "status" });
  const save = async (changes: Partial<Pick<VideoSummary, "title" | "visibility">>, done: string) => {
    try {
      Object.assign(v, await updateVideo(v.id, changes));
      renderHead(head, v);
      note.textContent = done;
    } catch (error) {
      note.textContent = (error as Error).message;
    }
  };
  rename.addEventListener("submit", (event) => {
    event.preventDefault();
    void save({ title: title.value.trim() }, "Renamed.");
  });
  visibility.addEventListener("change", () => void save({ visibility: visibility.value as VideoSummary["visibility"] }, "Sharing updated."));
  remove.addEventListener("click", () => {
    // Ask in the page (no blocking dialog): a second, explicit button deletes.
    const sure = el("button", { type: "button", class: "button danger", id: "delete-confirm" }, "Yes, delete it for good");
    const keep = el("button", { type: "button", class: "button" }, "Keep it");
    keep.addEventListener("click", () => renderOwner(owner, v, head));
    sure.addEventListener("click", async () => {
      try {
        // The player's last progress save goes out as it is destroyed: let it leave before the video is gone.
        document.querySelector("edgestream-player")?.remove();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await deleteVideo(v.id);
        forgetWatched(v.id);
        location.hash = "#/";
      } catch (error) {
        note.textContent = (error as Error).message;
      }
    });
    confirmBox.replaceChildren(el("span", {}, `Delete “${v.title}” and its files?`), sure, keep);
    sure.focus();
  });
  const confirmBox = el("div", { class: "confirm" }, remove);
  owner.replaceChildren(
    el("h2", {}, "Manage"),
    rename,
    el("div", { class: "inline" }, el("label", { for: "visibility" }, "Sharing"), visibility),
    confirmBox,
    note,
    subtitlesForm(v.id),
  );
}
