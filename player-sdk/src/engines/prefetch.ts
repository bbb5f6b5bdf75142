// How far hls.js buffers ahead: a few segments before the first play, a steady number while
// playing, and only the first few at a far seek point until playback resumes there (a scrub does
// not fetch what it skips). It writes hls.js's buffer targets, which hls.js reads on each tick.
import type { ResolvedOptions } from "../options.ts";
import { Scope } from "../scope.ts";

export interface BufferTarget {
  maxBufferLength: number;
  maxMaxBufferLength: number;
}

export class Prefetch {
  private readonly scope = new Scope();
  /** The steady target: the hls.js config's own (presets, or the page's hlsConfig). */
  private readonly steady: number;
  private started = false;
  private seekingFar = false;
  private segmentSec = 4;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly o: Pick<ResolvedOptions, "prefetch" | "autoplay">,
    private readonly target: BufferTarget,
  ) {
    this.steady = target.maxBufferLength;
    const { scope } = this;
    scope.listen(video, "seeking", () => {
      const t = video.currentTime;
      const b = video.buffered;
      let buffered = false;
      for (let i = 0; i < b.length; i++) buffered ||= b.start(i) <= t && t < b.end(i);
      this.seekingFar = !buffered;
      this.apply();
    });
    scope.listen(video, "seeked", () => {
      this.seekingFar = false;
      scope.setTimer(() => this.apply(), 0);
    });
    scope.listen(video, "playing", () => {
      this.started = true;
      this.apply();
    });
    this.apply();
  }

  /** A media playlist loaded: its target duration is the segment length the limits count in. */
  segmentLoaded(targetDuration: number): void {
    this.segmentSec = targetDuration || this.segmentSec;
    this.apply();
  }

  private apply(): void {
    const { o, segmentSec } = this;
    const steady = Math.max(this.steady, o.prefetch.aheadSegments * segmentSec);
    const limit = !this.started && !o.autoplay ? o.prefetch.startSegments : this.seekingFar ? o.prefetch.seekSegments : Infinity;
    this.target.maxBufferLength = this.target.maxMaxBufferLength = Math.min(steady, limit * segmentSec);
  }

  destroy(): void {
    this.scope.destroy();
  }
}
