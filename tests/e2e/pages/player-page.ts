// The SDK on a bare page: `?video=<id>&viewer=<name>&options=<json>`. Signs in as a demo viewer,
// plays with autoplay, and records what the tests measure on `window.testLog` (record.ts).
import { createPlayer, PlayerEvent } from "@edgestream/player-sdk";
import { record, signIn } from "./record.ts";

export type { TestLog } from "./record.ts";

const params = new URLSearchParams(location.search);
const video = document.querySelector<HTMLVideoElement>("#video")!;
const log = record(video);
const token = await signIn(params.get("viewer") ?? "demo");
log.askedAt = performance.now();
const player = createPlayer(video, { videoId: params.get("video")!, token, autoplay: true, ...JSON.parse(params.get("options") ?? "{}") });
for (const event of Object.values(PlayerEvent)) {
  player.on(event, (data) => log.events.push({ event, t: performance.now(), data: JSON.parse(JSON.stringify(data, (_k, v) => (v instanceof Error ? v.message : v))) }));
}
Object.assign(window, { player });
