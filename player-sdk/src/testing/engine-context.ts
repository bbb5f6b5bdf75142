// An engine's context for unit tests: real options, emitter and stream token (its refresh answers
// from `fresh`, no network), with spies recording what the engine reports and tracks.
import { vi } from "vitest";
import type { EngineContext } from "../engines/engine.ts";
import { Emitter } from "../events.ts";
import { resolveOptions, type PlayerOptions } from "../options.ts";
import { StreamToken } from "../stream-token.ts";
import { loadFakeHls } from "./fake-hls.ts";

export function engineContext(video: HTMLVideoElement, manifestUrl: string, fresh: string[], options: Partial<PlayerOptions> = {}) {
  const token = new StreamToken({
    aheadSeconds: false,
    fetchFresh: async () => ({ manifestUrl: fresh.shift() ?? manifestUrl, expiresAt: 0 }),
    onRefreshed: () => {},
    setTimer: () => {},
    clearTimer: () => {},
  });
  token.set(manifestUrl, 0);
  return {
    video,
    options: resolveOptions({ videoId: "v1", token: "JWT", loadHls: loadFakeHls, ...options }),
    token,
    emitter: new Emitter(),
    report: vi.fn<EngineContext["report"]>(),
    track: vi.fn<EngineContext["track"]>(),
  };
}
