// @vitest-environment node
// The /stream poll loop against a real HTTP server on loopback. Delays are capped to 10 ms with
// maxPollIntervalMs, so the tests judge what was asked and answered, never how long it took.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StreamRequestError } from "./stream-api.ts";
import { StreamPoller, type StreamPollerDeps } from "./stream-poller.ts";

type Answer = [status: number, body: unknown] | "drop";
let server: Server;
let apiBase: string;
let answers: Answer[];
let requests: URL[];
const pollers: StreamPoller[] = [];

beforeEach(async () => {
  answers = [];
  requests = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(new URL(req.url!, apiBase));
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (next === "drop") return req.socket.destroy();
    res.writeHead(next[0], { "Content-Type": "application/json" }).end(JSON.stringify(next[1]));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const poller of pollers.splice(0)) poller.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const generating = (progress: number, extra: Record<string, unknown> = {}): Answer => [202, { status: "generating", progress, retryAfter: 1, ...extra }];
const READY = { status: "ready", manifestUrl: "/hls/v1/master.m3u8?sig=T1", expiresAt: "2099-01-01T00:00:00Z", sessionId: "s1" };

function make(deps: Partial<StreamPollerDeps> = {}) {
  const seen: number[] = [];
  let session: string | undefined;
  const poller = new StreamPoller({
    apiBase,
    videoId: "v1",
    maxPollIntervalMs: 10,
    token: async () => "JWT",
    sessionId: () => session,
    onGenerating: (info) => {
      seen.push(info.progress);
      session ??= info.sessionId;
    },
    ...deps,
  });
  pollers.push(poller);
  return { poller, seen };
}

describe("StreamPoller", () => {
  it("polls through 202 generating, reporting each, until an answer with a manifest URL", async () => {
    answers = [generating(0.2, { sessionId: "s1" }), generating(0.7), [200, READY]];
    const { poller, seen } = make();
    const info = await poller.run();
    expect(info).toMatchObject({ status: "ready", manifestUrl: `${apiBase}/hls/v1/master.m3u8?sig=T1` });
    expect(seen).toEqual([0.2, 0.7]);
    expect(requests.map((url) => url.searchParams.get("session"))).toEqual([null, "s1", "s1"]); // the session is handed back
  });

  it("returns a 202 that carries a manifest URL (an on-demand session) at once", async () => {
    answers = [generating(0.1, { manifestUrl: "/hls/v1/session.m3u8?sig=S" })];
    const { poller, seen } = make();
    expect(await poller.run()).toMatchObject({ status: "generating", manifestUrl: `${apiBase}/hls/v1/session.m3u8?sig=S` });
    expect(seen).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it("returns a packaging failure as an answer, not an error", async () => {
    answers = [[422, { status: "failed", error: "the source has no video or audio" }]];
    expect(await make().poller.run()).toEqual({ status: "failed", error: "the source has no video or audio" });
  });

  it("retries a dropped connection and a 5xx, then plays", async () => {
    answers = ["drop", [503, { error: { code: "unavailable", message: "try later" } }], [200, READY]];
    expect(await make().poller.run()).toMatchObject({ status: "ready" });
    expect(requests).toHaveLength(3);
  });

  it("takes a refusal as final, without retrying", async () => {
    answers = [[403, { error: { code: "forbidden", message: "not shared with you" } }]];
    const error = await make().poller.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamRequestError);
    expect(error).toMatchObject({ status: 403, message: "not shared with you" });
    expect(requests).toHaveLength(1);
  });

  it("gives up after five retries of a server that keeps failing", async () => {
    answers = [[503, { error: { code: "unavailable", message: "down" } }]];
    await expect(make().poller.run()).rejects.toMatchObject({ status: 503 });
    expect(requests).toHaveLength(6);
  });

  it("ends with null when destroyed while waiting, and asks nothing more", async () => {
    answers = [generating(0.3)];
    const { poller, seen } = make({ maxPollIntervalMs: 600_000 });
    const running = poller.run();
    await expect.poll(() => seen).toEqual([0.3]);
    poller.destroy();
    expect(await running).toBeNull();
    expect(requests).toHaveLength(1);
  });

  it("ends with null when destroyed while a request is out", async () => {
    answers = [generating(0.3)];
    let release!: (token: string) => void;
    const { poller } = make({ token: () => new Promise((resolve) => (release = resolve)) });
    const running = poller.run();
    await expect.poll(() => release).toBeTypeOf("function");
    poller.destroy();
    release("JWT");
    expect(await running).toBeNull();
  });
});
