// createPreview on the file chosen in #file; `window.runPreview(options)` returns what the tests
// check, with the poster and clip decoded back by the browser (so "a blob came back" is not enough).
import { createPreview, type PreviewOptions } from "@edgestream/player-sdk/preview";

async function decodeImage(blob: Blob): Promise<{ width: number; height: number }> {
  const bitmap = await createImageBitmap(blob);
  return { width: bitmap.width, height: bitmap.height };
}

async function decodeClip(blob: Blob): Promise<{ width: number; height: number; duration: number }> {
  const video = document.createElement("video");
  video.muted = true;
  video.src = URL.createObjectURL(blob);
  await new Promise((resolve, reject) => {
    video.onloadeddata = resolve;
    video.onerror = () => reject(new Error(`the clip does not play: ${video.error?.message}`));
  });
  // MediaRecorder's WebM has no duration in its header: seek far to make the browser find the end.
  if (!Number.isFinite(video.duration)) {
    video.currentTime = 1e6;
    await new Promise((resolve) => (video.ondurationchange = resolve));
  }
  return { width: video.videoWidth, height: video.videoHeight, duration: video.duration };
}

async function runPreview(options: PreviewOptions) {
  const file = document.querySelector<HTMLInputElement>("#file")!.files![0]!;
  const started = performance.now();
  const preview = await createPreview(file, options);
  return {
    duration: preview.duration,
    size: preview.size,
    width: preview.width,
    height: preview.height,
    via: preview.via,
    ms: performance.now() - started,
    poster: { type: preview.poster.type, ...(await decodeImage(preview.poster)) },
    clip: { type: preview.clip.type, bytes: preview.clip.size, ...(await decodeClip(preview.clip)) },
  };
}
Object.assign(window, { runPreview });
