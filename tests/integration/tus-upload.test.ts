// Resumable uploads with the real tus client against the real stack (worker on Node, transcode
// node, real ffmpeg): a generated clip sent in chunks through a proxy that drops the connection in
// the middle of a chunk; the client resumes from the offset the server reports, and the video
// becomes ready. Non-media bytes take the same path as a plain upload and fail the same way.
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import { settleStream, startPair, viewerToken, type Pair } from "../helpers/node-pair.ts";
import { tempDataDir } from "../helpers/stack.ts";
import { startCuttingProxy, type CuttingProxy } from "../helpers/cutting-proxy.ts";
import { tusUpload } from "../helpers/tus-client.ts";

const CHUNK = 64 * 1024;

describe("resumable uploads (tus) on the real stack", () => {
  let dataDir: string;
  let pair: Pair;
  let proxy: CuttingProxy;
  let clip: Buffer;
  beforeAll(async () => {
    dataDir = await tempDataDir("tus");
    pair = await startPair(dataDir, { policy: "on-upload", nodeEnv: { LADDER: "90" } });
    proxy = await startCuttingProxy(pair.worker.url);
    const path = join(dataDir, "clip.mp4");
    await generateTestPattern(path, { seconds: 6, width: 320, height: 180 });
    clip = await readFile(path);
  });
  afterAll(async () => {
    await proxy?.close();
    await pair?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("resumes from the server's offset after the connection drops mid-chunk, and the video becomes ready", async () => {
    expect(clip.byteLength).toBeGreaterThan(4 * CHUNK); // several chunks, so the cut lands in the middle of the upload
    const token = await viewerToken(pair.worker, "tus-uploader");
    const before = proxy.sent;
    proxy.cutAfter(2.5 * CHUNK); // inside the third chunk's body
    const { id, offsetAtResume } = await tusUpload({ url: pair.worker.url, token, data: clip, chunkSize: CHUNK, metadata: { title: "Resumed", filetype: "video/mp4" }, proxy });
    const sent = proxy.sent - before;
    // Resumed, not restarted: the server kept the two chunks before the cut (the cut one is sent again).
    expect(offsetAtResume).toBe(2 * CHUNK);
    expect(sent).toBeLessThan(2 * clip.byteLength);

    const source = join(pair.storageDir, "uploads", id, "source");
    expect(await readFile(source)).toEqual(clip);
    const settled = await settleStream(pair.worker, token, id);
    expect(settled.status).toBe(200);
    expect(settled.body.status).toBe("ready");
    const video = await (await fetch(`${pair.worker.url}/api/videos/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(video).toMatchObject({ id, title: "Resumed", status: "ready", visibility: "private" });
    // Nothing of the upload's own state is left beside the source.
    await expect(stat(join(pair.storageDir, "uploads", id, "tus"))).rejects.toThrow(/ENOENT/);
  });

  it("packages non-media bytes no further than a plain upload does: the video fails with the same 422 answer", async () => {
    const token = await viewerToken(pair.worker, "tus-noise");
    const noise = Buffer.alloc(3 * CHUNK, "not a video, only text ");
    const plain = await fetch(`${pair.worker.url}/api/videos?title=Plain`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream" }, body: noise });
    expect(plain.status).toBe(201);
    const plainId = ((await plain.json()) as { id: string }).id;
    const { id } = await tusUpload({ url: pair.worker.url, token, data: noise, chunkSize: CHUNK, metadata: { title: "Noise", filetype: "application/octet-stream" } });

    const viaPlain = await settleStream(pair.worker, token, plainId);
    expect(viaPlain.status).toBe(422);
    expect(await settleStream(pair.worker, token, id)).toEqual(viaPlain);
  });
});
