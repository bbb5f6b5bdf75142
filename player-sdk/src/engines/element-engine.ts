// The <video> element loading a URL itself: native HLS (Safari, iOS) and the progressive MP4
// fallback. Neither has request hooks, so on an error (an expired token is a 410 the element
// reports as a network error) it gets a fresh token and reloads at the same position.
import { backoffDelay } from "../backoff.ts";
import { PlayerEvent } from "../events.ts";
import { Scope } from "../scope.ts";
import type { EngineContext, PlaybackEngine } from "./engine.ts";

const HLS_MIME = "application/vnd.apple.mpegurl";

/** Whether the element plays HLS by itself. */
export const canPlayNativeHls = (video: HTMLVideoElement): boolean => !!video.canPlayType(HLS_MIME);

export interface ElementEngineContext extends EngineContext {
  /** Whether the viewer was watching (a reload resumes playing then). */
  isPlaying: () => boolean;
}

export class ElementEngine implements PlaybackEngine {
  private readonly scope = new Scope();
  private url = "";
  private reloads = 0;
  /** play() was asked and no frame has played since: a load that fails meanwhile leaves the element paused. */
  private asked = false;

  constructor(
    readonly name: "native" | "mp4",
    private readonly c: ElementEngineContext,
  ) {}

  async attach(url: string, startAt: number | undefined): Promise<boolean> {
    const { video } = this.c;
    this.url = url;
    video.src = url;
    this.seekOnMetadata(startAt);
    this.scope.listen(video, "error", () => this.reload());
    this.scope.listen(video, "play", () => (this.asked = true));
    this.scope.listen(video, "playing", () => (this.asked = false));
    this.scope.listen(video, "pause", () => (this.asked = false));
    return true;
  }

  levels() {
    return [];
  }

  quality() {
    return "auto" as const;
  }

  setQuality(): void {}

  private seekOnMetadata(position: number | undefined): void {
    const { video } = this.c;
    if (position) this.scope.listen(video, "loadedmetadata", () => (video.currentTime = position), true);
  }

  private reload(): void {
    const { c, scope } = this;
    const { video, token } = c;
    if (this.reloads >= c.options.maxRecoveries) {
      return c.report("network", "native-reload-failed", new Error("the video stopped loading and could not be resumed: check the connection and press play again"), true);
    }
    const position = video.currentTime;
    const wasPlaying = !video.paused || c.isPlaying() || this.asked;
    scope.setTimer(async () => {
      await token.refresh("native");
      if (scope.destroyed) return;
      video.src = token.sign(this.url);
      this.seekOnMetadata(position);
      if (wasPlaying) video.play().catch(() => {});
      scope.listen(video, "playing", () => c.emitter.emit(PlayerEvent.Recovered, { from: "native-reload" }), true);
    }, backoffDelay(this.reloads++, 250, 4000));
  }

  destroy(): void {
    this.scope.destroy();
    this.c.video.removeAttribute("src");
    this.c.video.load();
  }
}
