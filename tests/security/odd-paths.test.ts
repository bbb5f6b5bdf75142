// Long and odd request targets against the real Node worker, as raw bytes on a socket (so nothing
// cleans them up first): never a 5xx, always the JSON error with CORS and nosniff, no-store on
// /hls and on what Node's own parser refuses, and never a server path in a message.
import { tokenOf } from "@edgestream/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "./raw-http.ts";
import { startSecurityWorker, type SecurityWorker } from "./worker.ts";

let w: SecurityWorker;
let jwt: string;
let videoId: string;
let sig: string;

beforeAll(async () => {
  w = await startSecurityWorker("paths");
  jwt = await w.login("alice");
  videoId = await w.seedVideo(jwt);
  const stream = (await (await fetch(`${w.worker.url}/api/videos/${videoId}/stream`, { headers: { Authorization: `Bearer ${jwt}` } })).json()) as { manifestUrl: string };
  sig = tokenOf(new URL(stream.manifestUrl, w.worker.url))!; // valid in the query form too
});
afterAll(() => w?.close());

const NO_STORE = "no-store";
const PRIVATE = "private, no-store";
/** `cache`: the Cache-Control the answer must carry (null: none, e.g. the 404 of no route). */
type Case = { name: string; target: () => Buffer | string; status: number; cache: string | null };
const CASES: Case[] = [
  { name: "an 8,000-character file name with a valid token", target: () => `/hls/${videoId}/v0/${"a".repeat(8000)}.m4s?sig=${sig}`, status: 403, cache: NO_STORE },
  { name: "a 256-character folder name with a valid token", target: () => `/hls/${videoId}/${"b".repeat(256)}/seg.m4s?sig=${sig}`, status: 403, cache: NO_STORE },
  { name: "a path under a segment file", target: () => `/hls/${videoId}/v0/seg_00000.m4s/x?sig=${sig}`, status: 404, cache: NO_STORE },
  { name: "a playlist under a segment file", target: () => `/hls/${videoId}/v0/seg_00000.m4s/x.m3u8?sig=${sig}`, status: 404, cache: NO_STORE },
  { name: "an encoded NUL", target: () => `/hls/${videoId}/v0/seg%00.m4s?sig=${sig}`, status: 403, cache: NO_STORE },
  { name: "broken percent-encoding on /hls", target: () => `/hls/${videoId}/v0/%ZZ.m4s?sig=${sig}`, status: 403, cache: NO_STORE },
  { name: "broken percent-encoding in a video id", target: () => "/api/videos/%ZZ", status: 400, cache: PRIVATE },
  { name: "a dotted video id", target: () => "/api/videos/a..b", status: 400, cache: PRIVATE },
  { name: "a 5,000-character video id", target: () => `/api/videos/${"v".repeat(5000)}`, status: 400, cache: PRIVATE },
  { name: "an encoded non-ASCII video id", target: () => "/api/videos/%C3%A9t%C3%A9/stream", status: 400, cache: PRIVATE },
  { name: "a climbing path", target: () => "/openapi.json/../../etc/passwd", status: 404, cache: null },
  { name: "a raw backslash", target: () => `/hls/${videoId}/v0\\seg_00000.m4s?sig=${sig}`, status: 400, cache: NO_STORE },
  { name: "a raw non-ASCII byte", target: () => Buffer.concat([Buffer.from(`/hls/${videoId}/v0/s`), Buffer.from([0xe9]), Buffer.from(`g.m4s?sig=${sig}`)]), status: 400, cache: NO_STORE },
  { name: "a raw UTF-8 character in an API path", target: () => Buffer.from("/api/videos/été", "utf8"), status: 400, cache: NO_STORE },
  { name: "a 20,000-character path (over Node's header limit)", target: () => `/api/videos/${"x".repeat(20_000)}`, status: 431, cache: NO_STORE },
];

describe("long and odd paths", () => {
  it.each(CASES)("$name → $status with the JSON error, never 5xx", async ({ target, status, cache }) => {
    const line = target();
    const head = Buffer.concat([
      Buffer.from("GET "),
      Buffer.isBuffer(line) ? line : Buffer.from(line),
      Buffer.from(` HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://site.example\r\nAuthorization: Bearer ${jwt}\r\nConnection: close\r\n\r\n`),
    ]);
    const answer = await rawRequest(w.worker.url, head);
    expect(answer.status).toBe(status);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(answer.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(answer.body).not.toContain(w.dataDir);
    expect(answer.body).not.toMatch(/\/(tmp|home|usr|work)\//);
    expect(answer.headers["access-control-allow-origin"]).toBe("*");
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    expect(answer.headers["cache-control"] ?? null).toBe(cache);
  });
});
