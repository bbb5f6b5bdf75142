// "Up next" on the player page: the video after this one in the library's order, pre-warmed by the
// SDK's prewarmNext as this one ends (once it is buffered to its end or in its last seconds), so the
// next page's player starts from that answer.
import { prewarmNext } from "@edgestream/player-sdk/prewarm";
import { listVideos, token } from "./api.ts";
import { el } from "./dom.ts";
import { warmed } from "./library-view.ts";

export function upNext(id: string, video: HTMLMediaElement, slot: HTMLElement): () => void {
  let leave = () => {};
  let alive = true;
  void listVideos()
    .then((videos) => {
      const at = videos.findIndex((v) => v.id === id);
      const next = at < 0 ? undefined : videos.slice(at + 1).find((v) => v.status !== "failed");
      if (!alive || !next) return;
      slot.replaceChildren(el("span", {}, "Up next: "), el("a", { href: `#/watch/${next.id}`, id: "up-next" }, next.title));
      if (warmed.has(next.id)) return;
      const warm = prewarmNext(video, next.id, { token: token() });
      warmed.set(next.id, warm.result);
      // Leaving before it began: nothing to hand on. Once begun, it runs on for the next page (the Up next link).
      leave = () => {
        if (warm.started) return;
        warm.cancel();
        warmed.delete(next.id);
      };
    })
    .catch(() => {}); // no "up next" is no loss
  return () => {
    alive = false;
    leave();
  };
}
