// The bound on a node that stays down, on an injected clock: a real worker app and libSQL file, and
// a transcode node URL where nothing listens (the connection is refused, as after a crash).
import { afterEach, describe, expect, it } from "vitest";
import { insertVideo } from "../db/videos.ts";
import { freePort } from "../testing/free-port.ts";
import { bearer, createTestApp, type TestApp } from "../testing/test-app.ts";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("packaging with a transcode node that does not answer", () => {
  it("keeps the video generating until TRANSCODE_NODE_DOWN_SECONDS after the node last answered about its job, then fails it", async () => {
    const seenAt = 1_800_000_000;
    let clock = seenAt;
    const env = { TRANSCODE_NODE_URL: `http://127.0.0.1:${await freePort()}`, TRANSCODE_NODE_SECRET: "n".repeat(40), TRANSCODE_NODE_DOWN_SECONDS: "60", ON_DEMAND_SESSIONS: "0" };
    t = await createTestApp(env, () => clock);
    await insertVideo(t.deps.db, { id: "v1", ownerId: "u1", title: "Clip", status: "generating", sourceKey: "uploads/v1/source", jobId: "job-1", jobAttempts: 1, jobSeenAt: new Date(seenAt * 1000) });
    const token = await t.tokenFor("u1");

    clock = seenAt + 59;
    const waiting = await t.app.request("/api/videos/v1/stream", bearer(token));
    expect(waiting.status).toBe(202);
    expect(await waiting.json()).toMatchObject({ status: "generating" });

    clock = seenAt + 60;
    const failed = await t.app.request("/api/videos/v1/stream", bearer(token));
    expect(failed.status).toBe(422);
    expect(await failed.json()).toEqual({ status: "failed", error: "packaging stopped: the transcode node has not answered for 60 s; upload the video again later" });
    const video = await t.app.request("/api/videos/v1", bearer(token));
    expect(await video.json()).toMatchObject({ status: "failed" });
  });
});
