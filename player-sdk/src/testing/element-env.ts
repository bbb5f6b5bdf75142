// The page an <edgestream-player> test runs in under happy-dom: MSE claimed (the fake hls.js plays),
// beacons accepted, the worker answered by `serve` (any other path: no saved progress).
import { vi } from "vitest";
import { FakeHls } from "./fake-hls.ts";

export const READY_STREAM = { status: "ready", manifestUrl: "https://api.example/hls/v1/master.m3u8?sig=T", expiresAt: "2099-01-01T00:00:00Z", sessionId: "s1" };

export function stubElementPage(serve: (path: string) => Response | undefined = () => undefined): void {
  FakeHls.instances = [];
  vi.stubGlobal("MediaSource", { isTypeSupported: () => true });
  vi.spyOn(navigator, "sendBeacon").mockReturnValue(true);
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: URL | string) => {
      const path = new URL(String(url)).pathname;
      return serve(path) ?? (path.endsWith("/stream") ? Response.json(READY_STREAM) : Response.json({ positionSec: null, durationSec: null }));
    }),
  );
}

export function restoreElementPage(): void {
  localStorage.clear(); // a track choice one test made must not carry into the next
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
}
