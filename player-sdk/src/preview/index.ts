// Previews of a local file before upload: duration, size, a poster frame and a short low-resolution
// clip. The browser's own decoder first (<video> + canvas); ffmpeg.wasm only for files it cannot
// decode, loaded from a URL the site hosts itself, and terminated after use. Playback never loads this.
import { browserPreview } from "./browser.ts";
import { ffmpegPreview, type FfmpegModule } from "./ffmpeg.ts";

export type { FfmpegModule };

export interface PreviewOptions {
  /** Length of the clip in seconds (default 3). */
  clipSeconds?: number;
  /** Width of the poster and the clip in pixels (default 320; height keeps the aspect ratio). */
  width?: number;
  /** Where to take the poster frame (default: 1 s in, or a tenth of a shorter video). */
  posterAt?: number;
  /** How long to wait for the browser to decode a first frame before trying ffmpeg.wasm (default 4000 ms). */
  decodeTimeoutMs?: number;
  /**
   * Self-hosted ffmpeg.wasm single-thread core: the folder URL that holds ffmpeg-core.js and
   * ffmpeg-core.wasm (copy them from node_modules/@ffmpeg/core/dist/esm). Without it, files the
   * browser cannot decode are refused with an error saying so; nothing is fetched from a CDN.
   */
  ffmpegCoreBase?: string;
  /** Replace how @ffmpeg/ffmpeg is imported (e.g. from a URL on pages without a bundler). */
  loadFfmpeg?: () => Promise<FfmpegModule>;
  /** Skip the browser and use ffmpeg.wasm. */
  forceFfmpeg?: boolean;
}

export interface Preview {
  /** Seconds. */
  duration: number;
  /** Bytes of the file. */
  size: number;
  width: number;
  height: number;
  /** A JPEG of one frame, `width` pixels wide. */
  poster: Blob;
  /** A short silent clip from the start (WebM from the browser, MP4/H.264 from ffmpeg.wasm). */
  clip: Blob;
  via: "browser" | "ffmpeg.wasm";
}

export interface ResolvedPreviewOptions {
  clipSeconds: number;
  width: number;
  posterAt: number | undefined;
  decodeTimeoutMs: number;
}

export async function createPreview(file: File, options: PreviewOptions = {}): Promise<Preview> {
  const o: ResolvedPreviewOptions = {
    clipSeconds: options.clipSeconds ?? 3,
    width: options.width ?? 320,
    posterAt: options.posterAt,
    decodeTimeoutMs: options.decodeTimeoutMs ?? 4000,
  };
  if (!options.forceFfmpeg) {
    const preview = await browserPreview(file, o).catch(() => null);
    if (preview) return preview;
  }
  if (!options.ffmpegCoreBase) {
    throw new Error(`this browser cannot decode ${file.name || "the file"}, and no ffmpeg.wasm core is configured (ffmpegCoreBase)`);
  }
  const load = options.loadFfmpeg ?? (() => import("@ffmpeg/ffmpeg"));
  return ffmpegPreview(file, o, options.ffmpegCoreBase, load);
}
