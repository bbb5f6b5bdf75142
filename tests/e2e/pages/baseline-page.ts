// The bench's baseline: what a page does wiring hls.js by hand, without the SDK. Same steps as the
// SDK page (sign in, ask /stream, import hls.js, play), the same forward buffer, no token refresh.
// `?video=<id>&viewer=<name>&buffer=<seconds>`.
import { record, signIn } from "./record.ts";

const params = new URLSearchParams(location.search);
const video = document.querySelector<HTMLVideoElement>("#video")!;
const log = record(video);
const token = await signIn(params.get("viewer") ?? "baseline");
log.askedAt = performance.now();
const stream = await fetch(`/api/videos/${params.get("video")}/stream`, { headers: { Authorization: `Bearer ${token}` } });
const { manifestUrl } = (await stream.json()) as { manifestUrl: string };
const { default: Hls } = await import("hls.js");
const forward = Number(params.get("buffer") ?? 30);
const hls = new Hls({ maxBufferLength: forward, maxMaxBufferLength: forward });
hls.loadSource(manifestUrl);
hls.attachMedia(video);
video.play().catch(() => {});
