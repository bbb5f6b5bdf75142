// A preview with the browser's own decoder: <video> on a blob URL, a canvas for the poster, and
// MediaRecorder on the canvas for the clip. Rejects when no frame decodes in time.
import type { Preview, ResolvedPreviewOptions } from "./index.ts";

function once(target: EventTarget, ok: string, timeoutMs: number, fail = "error"): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      target.removeEventListener(ok, onOk);
      target.removeEventListener(fail, onFail);
      error ? reject(error) : resolve();
    };
    const onOk = () => done();
    const onFail = () => done(new Error(`the browser could not decode the file (${fail})`));
    const timer = setTimeout(() => done(new Error(`no ${ok} within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(ok, onOk);
    target.addEventListener(fail, onFail);
  });
}

export async function browserPreview(file: File, o: ResolvedPreviewOptions): Promise<Preview> {
  const url = URL.createObjectURL(file);
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.preload = "auto";
  try {
    video.src = url;
    await once(video, "loadeddata", o.decodeTimeoutMs);
    if (!video.videoWidth || !Number.isFinite(video.duration)) throw new Error("no video frames");
    const { videoWidth, videoHeight, duration } = video;
    const canvas = document.createElement("canvas");
    canvas.width = Math.min(o.width, videoWidth) & ~1;
    canvas.height = Math.round((canvas.width * videoHeight) / videoWidth) & ~1;
    const context = canvas.getContext("2d")!;
    const draw = () => context.drawImage(video, 0, 0, canvas.width, canvas.height);

    video.currentTime = o.posterAt ?? Math.min(1, duration / 10);
    await once(video, "seeked", o.decodeTimeoutMs);
    draw();
    const poster = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no poster"))), "image/jpeg", 0.8));

    // The clip: play from the start and record the canvas, redrawn on every decoded frame.
    video.currentTime = 0;
    await once(video, "seeked", o.decodeTimeoutMs);
    const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: "video/webm", videoBitsPerSecond: 400_000 });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = once(recorder, "stop", (o.clipSeconds + 10) * 1000);
    const seconds = Math.min(o.clipSeconds, duration);
    let frame = 0;
    const paint = () => {
      draw();
      if (video.currentTime >= seconds || video.ended) {
        if (recorder.state === "recording") recorder.stop();
        video.pause();
      } else frame = requestAnimationFrame(paint);
    };
    recorder.start();
    await video.play();
    paint();
    await stopped;
    cancelAnimationFrame(frame);
    return { duration, size: file.size, width: videoWidth, height: videoHeight, poster, clip: new Blob(chunks, { type: "video/webm" }), via: "browser" };
  } finally {
    video.removeAttribute("src");
    video.load();
    URL.revokeObjectURL(url);
  }
}
