// Token refresh and substitution: the parts of "no stall across token expiries" that run without a
// browser. hls.js is the fake from testing/fake-hls.ts (happy-dom has no MSE); tests/e2e plays for real.
import { afterEach, describe, expect, it, vi } from "vitest";
import { backoffDelay } from "./backoff.ts";
import { buildHlsConfig } from "./hls-config.ts";
import { resolveOptions } from "./options.ts";
import { StreamToken, type StreamTokenDeps } from "./stream-token.ts";
import { FakeHls } from "./testing/fake-hls.ts";

const HLS = "https://api.example/hls/v1/";
const url = (path: string, sig: string) => `${HLS}${path}?sig=${sig}`;

function tokenWith(overrides: Partial<StreamTokenDeps> = {}) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fetchFresh = vi.fn(async () => ({ manifestUrl: url("master.m3u8", `T${fetchFresh.mock.calls.length}`), expiresAt: Date.now() + 8000 }));
  const onRefreshed = vi.fn();
  const token = new StreamToken({
    fetchFresh,
    onRefreshed,
    aheadSeconds: undefined,
    setTimer: (fn, ms) => (timer = setTimeout(fn, ms)),
    clearTimer: () => clearTimeout(timer),
    ...overrides,
  });
  return { token, fetchFresh, onRefreshed };
}

afterEach(() => vi.useRealTimers());

describe("StreamToken", () => {
  it("substitutes the current token into URLs below the video's folder, and leaves every other URL alone", () => {
    const { token } = tokenWith();
    token.set(url("master.m3u8", "NEW"), Date.now() + 60_000);
    expect(token.sign(url("v0/seg_00007.m4s", "OLD"))).toBe(url("v0/seg_00007.m4s", "NEW"));
    expect(token.sign(`${HLS}v0/index.m3u8?_HLS_msn=3&sig=OLD`)).toBe(`${HLS}v0/index.m3u8?_HLS_msn=3&sig=NEW`);
    expect(token.sign("https://api.example/hls/v2/seg.m4s?sig=OTHER")).toBe("https://api.example/hls/v2/seg.m4s?sig=OTHER");
    expect(token.sign("https://cdn.example/hls/v1/seg.m4s?sig=X")).toBe("https://cdn.example/hls/v1/seg.m4s?sig=X");
    expect(token.sign(`${HLS}v0/seg.m4s`)).toBe(`${HLS}v0/seg.m4s`); // unsigned URLs stay unsigned
  });

  it("substitutes the current token into the path of URLs under any token it was handed, and leaves every other URL alone", () => {
    const { token } = tokenWith();
    const path = (t: string, file: string) => `https://api.example/hls/${t}/${file}`;
    token.set(path("k.1.v1.p..A", "master.m3u8"), Date.now() + 60_000);
    token.set(path("k.2.v1.p..B", "master.m3u8"), Date.now() + 60_000);
    // hls.js resolves against the playlist it fetched, with the first token or a later one.
    expect(token.sign(path("k.1.v1.p..A", "v0/seg%20one.m4s"))).toBe(path("k.2.v1.p..B", "v0/seg%20one.m4s"));
    expect(token.sign(path("k.1.v1.p..A", "v0/index.m3u8?_HLS_msn=3"))).toBe(path("k.2.v1.p..B", "v0/index.m3u8?_HLS_msn=3"));
    expect(token.sign(path("k.9.v2.p..C", "seg.m4s"))).toBe(path("k.9.v2.p..C", "seg.m4s")); // not a token of ours
    expect(token.sign("https://cdn.example/hls/k.1.v1.p..A/seg.m4s")).toBe("https://cdn.example/hls/k.1.v1.p..A/seg.m4s");
    expect(token.sign("https://api.example/hls/v1/seg.m4s?sig=X")).toBe("https://api.example/hls/v1/seg.m4s?sig=X"); // no query form was handed out
  });

  it("keeps substituting query-form URLs after the worker switches to the path form (a session's package is ready)", () => {
    const { token } = tokenWith();
    token.set(url("master.m3u8", "S1"), Date.now() + 60_000);
    token.set("https://api.example/hls/k.2.v1.p..B/master.m3u8", Date.now() + 60_000);
    expect(token.sign(url("v0-live/seg_00003.m4s", "S1"))).toBe(url("v0-live/seg_00003.m4s", "k.2.v1.p..B"));
  });

  it("refreshes a fifth of the lifetime before expiry (8 s token: 1.6 s ahead) and keeps doing so", async () => {
    vi.useFakeTimers();
    const { token, fetchFresh, onRefreshed } = tokenWith();
    token.set(url("master.m3u8", "T0"), Date.now() + 8000);
    await vi.advanceTimersByTimeAsync(6399);
    expect(fetchFresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchFresh).toHaveBeenCalledTimes(1);
    expect(token.sig).toBe("T1");
    expect(onRefreshed).toHaveBeenCalledWith(expect.any(Number), "ahead");
    await vi.advanceTimersByTimeAsync(6400);
    expect(token.sig).toBe("T2");
  });

  it("refreshes only when rejected with refreshAheadSeconds: false", async () => {
    vi.useFakeTimers();
    const { token, fetchFresh } = tokenWith({ aheadSeconds: false });
    token.set(url("master.m3u8", "T0"), Date.now() + 8000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchFresh).not.toHaveBeenCalled();
  });

  it("runs one refresh for many rejections at once, and requests wait for it", async () => {
    let finish!: () => void;
    const fetchFresh = vi.fn(() => new Promise<{ manifestUrl: string; expiresAt: number }>((resolve) => (finish = () => resolve({ manifestUrl: url("m.m3u8", "FRESH"), expiresAt: Date.now() + 8000 }))));
    const { token } = tokenWith({ fetchFresh });
    token.set(url("master.m3u8", "STALE"), Date.now() + 8000);
    void token.refresh("rejected");
    void token.refresh("rejected");
    void token.refresh("rejected");
    expect(fetchFresh).toHaveBeenCalledTimes(1);
    const waited = token.settled().then(() => token.sign(url("v0/seg_1.m4s", "STALE")));
    finish();
    expect(await waited).toBe(url("v0/seg_1.m4s", "FRESH"));
  });

  it("retries a failed refresh with backoff and keeps the old token meanwhile", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const fetchFresh = vi.fn().mockRejectedValueOnce(new TypeError("offline")).mockResolvedValue({ manifestUrl: url("m.m3u8", "T9"), expiresAt: Date.now() + 3_600_000 });
    const { token } = tokenWith({ fetchFresh });
    token.set(url("master.m3u8", "T0"), Date.now() + 3_600_000);
    await token.refresh("rejected");
    expect(token.sig).toBe("T0");
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetchFresh).toHaveBeenCalledTimes(2);
    expect(token.sig).toBe("T9");
  });

  it("stops retrying after a refusal that will not change (signed out, video gone or failed)", async () => {
    vi.useFakeTimers();
    for (const status of [401, 404, 422]) {
      const fetchFresh = vi.fn().mockRejectedValue(Object.assign(new Error("refused"), { status }));
      const { token } = tokenWith({ fetchFresh });
      token.set(url("master.m3u8", "T0"), Date.now() + 3_600_000);
      await token.refresh("rejected");
      await vi.advanceTimersByTimeAsync(120_000);
      expect(fetchFresh).toHaveBeenCalledTimes(1);
    }
  });
});

describe("hls.js config", () => {
  const build = (hlsConfig = {}) => {
    const { token, fetchFresh } = tokenWith();
    token.set(url("master.m3u8", "T0"), Date.now() + 60_000);
    const onRejected = vi.fn(() => void token.refresh("rejected"));
    const Hls = FakeHls as unknown as typeof import("hls.js").default;
    const config = buildHlsConfig(Hls, resolveOptions({ videoId: "v1", token: "JWT", hlsConfig }), token, onRejected, 12);
    return { config, token, fetchFresh, onRejected };
  };

  it("opens every request through xhrSetup and fetchSetup with the fresh token, after a refresh under way", async () => {
    const { config, token } = build();
    void token.refresh("rejected");
    const xhr = { open: vi.fn() } as unknown as XMLHttpRequest;
    await config.xhrSetup!(xhr, url("v0/seg_3.m4s", "T0"), undefined as never);
    expect(xhr.open).toHaveBeenCalledWith("GET", url("v0/seg_3.m4s", "T1"), true);
    const request = await config.fetchSetup!({ url: url("v0/seg_4.m4s", "T0") } as never, {});
    expect(request.url).toBe(url("v0/seg_4.m4s", "T1"));
  });

  it("retries 403 and 410 on every load policy while one refresh runs; other 4xx keep hls.js's answer", () => {
    const { config, onRejected } = build();
    for (const name of ["manifestLoadPolicy", "playlistLoadPolicy", "fragLoadPolicy", "keyLoadPolicy"] as const) {
      const retry = config[name]!.default.errorRetry!;
      const shouldRetry = retry.shouldRetry!;
      expect(shouldRetry(retry, 0, false, { code: 410, text: "" } as never, false)).toBe(true);
      expect(shouldRetry(retry, 1, false, { code: 403, text: "" } as never, false)).toBe(true);
      expect(shouldRetry(retry, Math.max(3, retry.maxNumRetry), false, { code: 410, text: "" } as never, false)).toBe(false);
      expect(shouldRetry(retry, 0, false, { code: 404, text: "" } as never, false)).toBe(false);
      expect(shouldRetry(retry, 0, false, { code: 503, text: "" } as never, true)).toBe(true);
    }
    expect(onRejected).toHaveBeenCalledTimes(12);
  });

  it("sets the buffer preset and start position, lets the page override them, and chains the page's xhrSetup", async () => {
    const pageSetup = vi.fn();
    const { config } = build({ maxBufferLength: 45, xhrSetup: pageSetup });
    expect(config).toMatchObject({ maxBufferLength: 45, maxMaxBufferLength: 30, backBufferLength: 30, maxBufferSize: 60e6, startPosition: 12, startFragPrefetch: true });
    const xhr = { open: vi.fn() } as unknown as XMLHttpRequest;
    await config.xhrSetup!(xhr, url("v0/a.m4s", "OLD"), undefined as never);
    expect(pageSetup).toHaveBeenCalledWith(xhr, url("v0/a.m4s", "T0"), undefined);
  });
});

describe("backoffDelay", () => {
  it("doubles from the base, caps at the maximum, and jitters by at most 20 %", () => {
    const exact = (attempt: number) => backoffDelay(attempt, 1000, 8000, () => 0.5);
    expect([0, 1, 2, 3, 4, 10].map(exact)).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffDelay(1, 1000, 8000, () => 0)).toBe(1600);
    expect(backoffDelay(1, 1000, 8000, () => 0.9999)).toBe(2400);
  });
});
