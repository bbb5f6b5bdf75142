// Deleting a video or making it private stops playback within one stream-token lifetime: the gate
// checks the token alone (no database), so a token already handed out lives until it expires.
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, createTestApp, jsonBody, type TestApp } from "../testing/test-app.ts";

const START = 1_800_000_000;
let clock: number;
let t: TestApp;
let alice: string;
let bob: string;
let videoId: string;

async function setUp(env: Record<string, string> = {}) {
  clock = START;
  t = await createTestApp(env, () => clock);
  alice = await t.tokenFor("alice");
  bob = await t.tokenFor("bob");
  await t.deps.storage.put("pkg1/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n");
  await t.deps.storage.put("pkg1/v0/index.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg_00000.m4s\n#EXT-X-ENDLIST\n");
  await t.deps.storage.put("pkg1/v0/seg_00000.m4s", "segment");
  await t.deps.storage.put("pkg1/meta.json", JSON.stringify(samplePackageMeta()));
  const admin = await t.tokenFor("alice", ["admin"]);
  const created = await t.app.request("/api/videos", jsonBody(admin, "POST", { title: "Shared", storageKey: "pkg1", visibility: "public" }));
  videoId = ((await created.json()) as { id: string }).id;
}
afterEach(() => t.close());

const streamFor = async (token: string) => {
  const response = await t.app.request(`/api/videos/${videoId}/stream`, bearer(token));
  return { ...((await response.json()) as { manifestUrl: string; expiresAt: string }), status: response.status };
};
const segmentOf = (manifestUrl: string) => manifestUrl.replace("master.m3u8", "v0/seg_00000.m4s");

describe("revocation", () => {
  beforeEach(() => setUp());

  it("defaults stream tokens to 5 minutes", async () => {
    expect(t.deps.config.STREAM_TOKEN_TTL_SECONDS).toBe(300);
    expect(Date.parse((await streamFor(bob)).expiresAt)).toBe((START + 300) * 1000);
  });

  it("stops an old token at once when the video is deleted: its media is gone", async () => {
    const { manifestUrl } = await streamFor(alice);
    expect((await t.app.request(segmentOf(manifestUrl))).status).toBe(200);
    expect((await t.app.request(`/api/videos/${videoId}`, { ...bearer(alice), method: "DELETE" })).status).toBe(204);
    for (const url of [manifestUrl, segmentOf(manifestUrl)]) {
      const response = await t.app.request(url);
      expect([url, response.status, response.headers.get("cache-control")]).toEqual([url, 404, "no-store"]);
    }
  });

  it("stops another viewer's old token within one token lifetime (plus the clock-skew leeway) after the video turns private", async () => {
    const { manifestUrl } = await streamFor(bob);
    expect((await t.app.request(`/api/videos/${videoId}`, jsonBody(alice, "PATCH", { visibility: "private" }))).status).toBe(200);
    // Until it expires the token still plays: the gate reads no database.
    clock = START + t.deps.config.STREAM_TOKEN_TTL_SECONDS + t.deps.config.CLOCK_SKEW_SECONDS;
    expect((await t.app.request(segmentOf(manifestUrl))).status).toBe(200);
    clock += 1;
    expect((await t.app.request(segmentOf(manifestUrl))).status).toBe(410);
    expect((await t.app.request(manifestUrl)).status).toBe(410);
    // And the refresh the player then asks for is refused.
    expect((await streamFor(bob)).status).toBe(404);
    expect((await streamFor(alice)).status).toBe(200);
  });
});

describe("revocation in nginx mode", () => {
  beforeEach(() => setUp({ NGINX_SECURE_LINK_SECRET: "n".repeat(32), NGINX_LINK_TTL_SECONDS: "600" }));

  it("signs nginx links for at most NGINX_LINK_TTL_SECONDS from when the playlist was fetched", async () => {
    const { manifestUrl } = await streamFor(bob);
    clock += 100;
    const playlist = await (await t.app.request(manifestUrl.replace("master.m3u8", "v0/index.m3u8"))).text();
    const expires = [...playlist.matchAll(/[?&]expires=(\d+)/g)].map((m) => Number(m[1]));
    expect(expires).toEqual([START + 100 + 600]);
  });
});
