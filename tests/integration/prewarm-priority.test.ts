// /stream?prewarm=1 through the real worker and a real node with one session slot: the pre-warm's
// on-demand session ranks below a viewer's (stopped for a viewer, refused when full), and playing
// it through the segment gate promotes it.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import type { NodeSessionState } from "@edgestream/contracts";
import { parseStreamSource } from "../../worker/src/signing/stream-source.ts";
import { NODE_SECRET, startPair, viewerToken, type Pair } from "../helpers/node-pair.ts";
import { tempDataDir } from "../helpers/stack.ts";

describe("a pre-warm's on-demand session ranks below a viewer's", () => {
  let dataDir: string;
  let pair: Pair;
  let token: string;
  let clip: Uint8Array;
  beforeAll(async () => {
    dataDir = await tempDataDir("prewarm-priority");
    pair = await startPair(dataDir, { policy: "on-first-view", sessions: true, nodeEnv: { SESSION_PROFILE: "144", SESSION_MAX: "1" } });
    // MPEG-4 Part 2: not browser-safe, so every session encodes.
    await generateTestPattern(join(dataDir, "clip.mkv"), { seconds: 20, width: 160, height: 90, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "5"] });
    clip = await readFile(join(dataDir, "clip.mkv"));
    token = await viewerToken(pair.worker, "viewer");
  });
  afterAll(async () => {
    await pair?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const auth = () => ({ headers: { Authorization: `Bearer ${token}` } });
  async function upload(): Promise<string> {
    const response = await fetch(`${pair.worker.url}/api/videos?title=Clip`, { method: "POST", headers: { ...auth().headers, "Content-Type": "video/x-matroska" }, body: clip as Uint8Array<ArrayBuffer> });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }
  async function stream(id: string, query = "") {
    const response = await fetch(`${pair.worker.url}/api/videos/${id}/stream${query}`, auth());
    return { status: response.status, body: (await response.json()) as { manifestUrl?: string; status: string; error?: { code: string; message: string } } };
  }
  /** The node session a stream token names and the viewer's lease on it (the token's sub). */
  function named(manifestUrl: string): { session: string; lease: string } {
    const [, , , src, sub] = new URL(manifestUrl, pair.worker.url).searchParams.get("sig")!.split(".");
    return { session: parseStreamSource(src!)!.session!, lease: Buffer.from(sub!, "base64url").toString() };
  }
  const nodeAuth = { headers: { Authorization: `Bearer ${NODE_SECRET}` } };
  /** The node's own state of that session; null once stopped. */
  async function nodeSession(manifestUrl: string): Promise<NodeSessionState | null> {
    const response = await fetch(`${pair.node.url}/v1/sessions/${named(manifestUrl).session}`, nodeAuth);
    return response.status === 404 ? null : ((await response.json()) as NodeSessionState);
  }

  /** The session's viewer leaves (as a lapsed lease would): the slot is free for the next test. */
  async function leave(manifestUrl: string) {
    const { session, lease } = named(manifestUrl);
    expect((await fetch(`${pair.node.url}/v1/sessions/${session}?lease=${encodeURIComponent(lease)}`, { method: "DELETE", ...nodeAuth })).status).toBe(204);
  }

  it("a pre-warm is refused when the slot is taken, a viewer stops it, and neither takes a viewer's slot", async () => {
    const [a, b] = [await upload(), await upload()];
    const warm = await stream(a, "?prewarm=1");
    expect(warm.status).toBe(202);
    expect((await nodeSession(warm.body.manifestUrl!))?.priority).toBe("prewarm");

    // The node's one slot is taken: a second pre-warm gets a plain "generating" with nothing to fetch.
    const refused = await stream(b, "?prewarm=1");
    expect([refused.status, refused.body.status, refused.body.manifestUrl]).toEqual([202, "generating", undefined]);

    // A viewer of the other video stops the pre-warm's session and gets one of its own.
    const viewer = await stream(b);
    expect(viewer.body.manifestUrl).toBeDefined();
    expect(await nodeSession(warm.body.manifestUrl!)).toBeNull();
    expect((await nodeSession(viewer.body.manifestUrl!))?.priority).toBe("viewer");
    // …and no pre-warm or viewer of another video takes it away.
    expect((await stream(a, "?prewarm=1")).body.manifestUrl).toBeUndefined();
    expect((await stream(a)).body.manifestUrl).toBeUndefined();
    expect(await nodeSession(viewer.body.manifestUrl!)).not.toBeNull();

    await leave(viewer.body.manifestUrl!);
  });

  it("a pre-warmed session the player plays past its first segment, through the gate, is a viewer's", async () => {
    const warm = await stream(await upload(), "?prewarm=1");
    const masterUrl = new URL(warm.body.manifestUrl!, pair.worker.url);
    const master = await (await fetch(masterUrl)).text();
    const variant = new URL(master.split("\n").find((l) => l.includes("index.m3u8"))!, masterUrl);
    const media = await (await fetch(variant)).text();
    const [first, second] = media.split("\n").filter((l) => l && !l.startsWith("#"));
    // What prewarm() fetches: the playlists, the init segment and the first segment.
    for (const url of [new URL(media.match(/URI="([^"]+)"/)![1]!, variant), new URL(first!, variant)]) expect((await fetch(url)).status).toBe(200);
    expect((await nodeSession(warm.body.manifestUrl!))?.priority).toBe("prewarm");
    expect((await fetch(new URL(second!, variant))).status).toBe(200);
    expect((await nodeSession(warm.body.manifestUrl!))?.priority).toBe("viewer");
    await leave(warm.body.manifestUrl!);
  });

  it("a pre-warmed session a viewer asks /stream for (without the flag) is a viewer's", async () => {
    const id = await upload();
    const warm = await stream(id, "?prewarm=1");
    expect((await nodeSession(warm.body.manifestUrl!))?.priority).toBe("prewarm");
    await stream(id, "?prewarm=1"); // the pre-warm asking again renews, and ranks it no higher
    expect((await nodeSession(warm.body.manifestUrl!))?.priority).toBe("prewarm");
    await stream(id);
    expect((await nodeSession(warm.body.manifestUrl!))?.priority).toBe("viewer");
  });

  it("answers 400 naming prewarm for a value other than 1", async () => {
    const id = await upload();
    const bad = await stream(id, "?prewarm=yes");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: expect.any(String), message: expect.stringMatching(/prewarm/) });
  });
});
