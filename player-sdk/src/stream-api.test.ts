// @vitest-environment node
// fetchStreamInfo against a real HTTP server on loopback answering what the worker's /stream schema allows.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { StreamInfo } from "@edgestream/contracts/stream-info";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchStreamInfo } from "./stream-api.ts";

const READY = {
  status: "ready",
  manifestUrl: "/hls/v1/master.m3u8?sig=T",
  expiresAt: "2099-01-01T00:00:00.000Z",
  sessionId: "s1",
  posterUrl: "/hls/v1/thumbnails/poster.jpg?sig=T",
  thumbnailsUrl: "/hls/v1/thumbnails/thumbnails.vtt?sig=T",
  mp4Url: "/hls/v1/video.mp4?sig=T",
} satisfies StreamInfo;

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(READY)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("fetchStreamInfo", () => {
  it("resolves every URL of the answer against the API, the thumbnail track and the MP4 too", async () => {
    const info = await fetchStreamInfo(base, "v1", "jwt");
    expect(info).toEqual({
      ...READY,
      manifestUrl: `${base}${READY.manifestUrl}`,
      posterUrl: `${base}${READY.posterUrl}`,
      thumbnailsUrl: `${base}${READY.thumbnailsUrl}`,
      mp4Url: `${base}${READY.mp4Url}`,
    });
  });
});
