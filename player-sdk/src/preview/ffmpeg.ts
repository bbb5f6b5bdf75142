// A preview through ffmpeg.wasm (single-thread core) for files the browser cannot decode, e.g. HEVC
// in Matroska. The core comes from the site's own URL (no CDN), and the worker is terminated after use.
import type { Preview, ResolvedPreviewOptions } from "./index.ts";

/**
 * What the preview uses of `@ffmpeg/ffmpeg` (whose module satisfies it), written out so the published
 * types never import that optional peer: a page without it still compiles with `skipLibCheck: false`.
 */
export interface FfmpegModule {
  FFmpeg: new () => {
    on(event: "log", callback: (event: { message: string }) => void): void;
    load(config: { coreURL: string; wasmURL: string }): Promise<unknown>;
    writeFile(path: string, data: Uint8Array): Promise<unknown>;
    exec(args: string[]): Promise<number>;
    readFile(path: string): Promise<Uint8Array | string>;
    terminate(): void;
  };
}

/** "Duration: 00:01:02.50" and "Stream #0:0…: Video: hevc …, 1280x720" from ffmpeg's log. */
export function parseProbeLog(log: string): { duration: number; width: number; height: number } {
  const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(log);
  const size = /Stream #.*Video:.*?(\d{2,5})x(\d{2,5})/.exec(log);
  return {
    duration: d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : NaN,
    width: size ? Number(size[1]) : 0,
    height: size ? Number(size[2]) : 0,
  };
}

export async function ffmpegPreview(
  file: File,
  o: ResolvedPreviewOptions,
  coreBase: string,
  load: () => Promise<FfmpegModule>,
): Promise<Preview> {
  const { FFmpeg } = await load();
  const ffmpeg = new FFmpeg();
  const base = new URL(coreBase.replace(/\/?$/, "/"), globalThis.location?.href).href;
  let log = "";
  ffmpeg.on("log", ({ message }) => (log += message + "\n"));
  try {
    await ffmpeg.load({ coreURL: `${base}ffmpeg-core.js`, wasmURL: `${base}ffmpeg-core.wasm` });
    await ffmpeg.writeFile("input", new Uint8Array(await file.arrayBuffer()));
    await ffmpeg.exec(["-hide_banner", "-i", "input"]); // no output: fails, but logs what the input is
    const info = parseProbeLog(log);
    if (!info.width) throw new Error(`ffmpeg found no video stream in ${file.name || "the file"}`);
    const scale = `scale=${o.width}:-2`;
    const posterAt = o.posterAt ?? Math.min(1, info.duration / 10 || 0);
    const run = async (args: string[], out: string) => {
      if ((await ffmpeg.exec(args)) !== 0) throw new Error(`ffmpeg.wasm could not make ${out}: ${log.split("\n").slice(-4).join(" ")}`);
      const data = (await ffmpeg.readFile(out)) as Uint8Array<ArrayBuffer>;
      return new Blob([data], { type: out.endsWith(".jpg") ? "image/jpeg" : "video/mp4" });
    };
    const poster = await run(["-ss", String(posterAt), "-i", "input", "-frames:v", "1", "-vf", scale, "-q:v", "4", "poster.jpg"], "poster.jpg");
    const clip = await run(
      ["-i", "input", "-t", String(o.clipSeconds), "-an", "-vf", scale, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "clip.mp4"],
      "clip.mp4",
    );
    return { duration: info.duration, size: file.size, width: info.width, height: info.height, poster, clip, via: "ffmpeg.wasm" };
  } finally {
    ffmpeg.terminate();
  }
}
