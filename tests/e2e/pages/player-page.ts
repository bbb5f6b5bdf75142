// The SDK on a bare page: `?video=<id>&viewer=<name>&options=<json>[&prewarm=1]`. Signs in as a demo viewer,
// plays with autoplay, and records what the tests measure on `window.testLog` (record.ts), hls.js
// calls included.
import type HlsType from "hls.js";
import { createPlayer, PlayerEvent } from "@edgestream/player-sdk";
import { prewarm } from "@edgestream/player-sdk/prewarm";
import { record, signIn, type HlsRecord } from "./record.ts";

export type { TestLog } from "./record.ts";

const params = new URLSearchParams(location.search);
const video = document.querySelector<HTMLVideoElement>("#video")!;
const log = record(video);
const token = await signIn(params.get("viewer") ?? "demo");
// `&prewarm=1`: pre-warm first (what a hover before the click does), then "play this".
const warm = params.get("prewarm") ? await prewarm(params.get("video")!, { token }) : null;
log.askedAt = performance.now();
/** hls.js as the SDK uses it (loaded as lazily), recording what it is asked to do (a reload, a buffer flush). */
function recordingHls(Hls: typeof HlsType, into: HlsRecord): typeof HlsType {
  return class RecordingHls extends Hls {
    constructor(config?: ConstructorParameters<typeof HlsType>[0]) {
      super(config);
      this.on(Hls.Events.MEDIA_ATTACHING, () => void into.mediaAttaching++);
      this.on(Hls.Events.BUFFER_FLUSHING, (_e, data) => {
        into.flushes.push({ type: data.type, startOffset: data.startOffset, endOffset: data.endOffset, currentTime: video.currentTime });
      });
    }
    override loadSource(url: string): void {
      into.loadSource++;
      super.loadSource(url);
    }
  };
}

const player = createPlayer(video, {
  videoId: params.get("video")!,
  token,
  autoplay: true,
  loadHls: async () => recordingHls((await import("hls.js")).default, log.hls),
  ...(warm ? { stream: warm.stream } : {}),
  ...JSON.parse(params.get("options") ?? "{}"),
});
for (const event of Object.values(PlayerEvent)) {
  player.on(event, (data) => log.events.push({ event, t: performance.now(), data: JSON.parse(JSON.stringify(data, (_k, v) => (v instanceof Error ? v.message : v))) }));
}
Object.assign(window, { player });
