// The SDK on a bare page: `?video=<id>&viewer=<name>&options=<json>`. Signs in as the demo viewer,
// plays with autoplay, and records what the tests measure on `window.testLog`.
import { createPlayer, PlayerEvent } from "@edgestream/player-sdk";

export interface TestLog {
  /** performance.now() and currentTime at the first `playing`. */
  start: { t: number; currentTime: number } | null;
  /** Media events after the first `playing`: waiting/playing/seeking with their times. */
  media: { type: string; t: number; currentTime: number }[];
  /** Every SDK event, in order. */
  events: { event: string; t: number; data: unknown }[];
}

const params = new URLSearchParams(location.search);
const log: TestLog = { start: null, media: [], events: [] };
const video = document.querySelector<HTMLVideoElement>("#video")!;
Object.assign(window, { testLog: log });

for (const type of ["waiting", "playing", "seeking", "stalled"]) {
  video.addEventListener(type, () => {
    const t = performance.now();
    if (type === "playing" && !log.start) log.start = { t, currentTime: video.currentTime };
    else if (log.start) log.media.push({ type, t, currentTime: video.currentTime });
  });
}

const response = await fetch("/api/auth/demo-login", {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ name: params.get("viewer") ?? "demo" }),
});
const { token } = (await response.json()) as { token: string };
const player = createPlayer(video, { videoId: params.get("video")!, token, autoplay: true, ...JSON.parse(params.get("options") ?? "{}") });
for (const event of Object.values(PlayerEvent)) {
  player.on(event, (data) => log.events.push({ event, t: performance.now(), data: JSON.parse(JSON.stringify(data, (_k, v) => (v instanceof Error ? v.message : v))) }));
}
Object.assign(window, { player });
