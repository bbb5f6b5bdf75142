// The owner's playback figures on the player page (GET /api/videos/:id/analytics): views, watch
// time, time to first frame and rebuffering over the last 30 days. The SDK sends its events in
// batches, so a Refresh button fetches again rather than a timer.
import { formatTime } from "@edgestream/player-sdk/controls";
import type { Analytics } from "@edgestream/worker";
import { videoAnalytics } from "./api.ts";
import { el } from "./dom.ts";

const NONE = "—";

export function figures(totals: Analytics["totals"]): [string, string][] {
  return [
    ["Views", String(totals.views)],
    ["Watch time", formatTime(totals.watchTimeSec)],
    ["Time to first frame", totals.ttffMs.p50 === null ? NONE : `${Math.round(totals.ttffMs.p50)} ms`],
    ["Rebuffering", totals.rebufferRatio === null ? NONE : `${(totals.rebufferRatio * 100).toFixed(1)}% of watch time`],
  ];
}

export function analyticsPanel(id: string): HTMLElement {
  const list = el("dl", { class: "figures" });
  const note = el("p", { class: "panel-note", role: "status" }, "Loading…");
  const refresh = el("button", { type: "button", class: "button", id: "analytics-refresh" }, "Refresh");
  const load = async () => {
    refresh.disabled = true;
    try {
      const report = await videoAnalytics(id);
      list.replaceChildren(...figures(report.totals).map(([name, value]) => el("div", {}, el("dt", {}, name), el("dd", { "data-figure": name }, value))));
      note.textContent = report.totals.views ? `From ${report.from} to ${report.to} (UTC days). Time to first frame is the median over views.` : "No views yet: play the video and come back.";
    } catch (error) {
      note.textContent = (error as Error).message;
    } finally {
      refresh.disabled = false;
    }
  };
  refresh.addEventListener("click", () => void load());
  void load();
  return el("section", { class: "panel", id: "analytics", "aria-labelledby": "analytics-title" }, el("div", { class: "panel-head" }, el("h2", { id: "analytics-title" }, "Viewing figures · last 30 days"), refresh), list, note);
}
