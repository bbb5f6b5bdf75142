// The worker's node client over real HTTP on loopback: a job answer whose package is not its
// source's (another prefix, thumbnails outside the package) is refused, naming the field.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTranscodeClient } from "./node-client.ts";

const SHA = "a".repeat(64);
const AT = "2026-01-01T00:00:00.000Z";
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A node that answers every job read with this result. */
async function nodeAnswering(result: Record<string, unknown>): Promise<string> {
  const job = { id: "j1", status: "succeeded", progress: 1, attempts: 1, createdAt: AT, updatedAt: AT, result };
  server = createServer((_request, response) => response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(job)));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const result = (change: Record<string, unknown>) => ({
  sha256: SHA,
  storagePrefix: SHA,
  durationMs: 1000,
  deduplicated: false,
  backend: "software",
  renditions: [],
  thumbnails: { poster: "thumbnails/poster.jpg", track: "thumbnails/thumbnails.vtt", sprites: [] },
  warnings: [],
  ...change,
});

describe("transcode node client: job results", () => {
  it("takes a package stored under its source's SHA-256 with the package's thumbnails", async () => {
    const client = createTranscodeClient(await nodeAnswering(result({})), "secret");
    expect((await client.getJob("j1"))?.result).toMatchObject({ storagePrefix: SHA, thumbnails: { poster: "thumbnails/poster.jpg" } });
  });

  it.each([
    [{ storagePrefix: "b".repeat(64) }, "result.storagePrefix"],
    [{ sha256: "videos/alice", storagePrefix: "videos/alice" }, "result.sha256"],
    [{ thumbnails: { poster: "../other/thumbnails/poster.jpg", track: "thumbnails/thumbnails.vtt", sprites: [] } }, "result.thumbnails.poster"],
  ])("refuses %j, naming %s", async (change, field) => {
    const client = createTranscodeClient(await nodeAnswering(result(change)), "secret");
    await expect(client.getJob("j1")).rejects.toThrow(`reading a job: the transcode node answered an unexpected body (${field}: must`);
  });
});
