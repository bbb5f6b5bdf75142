// The body cap runs before auth, routing and validators, and stops reading once the cap is passed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../testing/test-app.ts";
import { BODY_LIMITS, bodyLimitFor } from "./body-limit.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ DEMO_MODE: "0" });
});
afterAll(() => t.close());

/** A chunked body of `chunks` × 1 KiB that counts how many chunks the server pulled and whether it cancelled. */
function countingBody(chunks: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close();
      state.pulled++;
      controller.enqueue(new Uint8Array(1024).fill(0x20));
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  t.app.request(path, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers }, duplex: "half" } as RequestInit);

describe("request body limit", () => {
  it("picks 256 KiB for event batches, none for media uploads and the small JSON cap for everything else", () => {
    expect(bodyLimitFor("POST", "/api/events", "text/plain")).toBe(BODY_LIMITS.events);
    expect(bodyLimitFor("POST", "/api/videos", "video/mp4")).toBeUndefined();
    expect(bodyLimitFor("POST", "/api/videos", "application/json")).toBe(BODY_LIMITS.json);
    expect(bodyLimitFor("POST", "/api/auth/demo-login", "application/json")).toBe(BODY_LIMITS.json);
    expect(bodyLimitFor("PUT", "/api/videos/x/progress", "application/json")).toBe(BODY_LIMITS.json);
    expect(bodyLimitFor("POST", "/no/such/route", "video/mp4")).toBe(BODY_LIMITS.json);
    // Only the media types the upload route streams are exempt; Hono's validators parse any +json.
    for (const type of ["application/merge+json", "APPLICATION/JSON; charset=utf-8", "text/plain", "", "multipart/form-data; boundary=x"]) {
      expect([type, bodyLimitFor("POST", "/api/videos", type)]).toEqual([type, BODY_LIMITS.json]);
    }
    for (const type of ["video/mp4", "audio/mpeg", "application/octet-stream", "Video/MP4; codecs=avc1"]) {
      expect([type, bodyLimitFor("POST", "/api/videos", type)]).toEqual([type, undefined]);
    }
  });

  it("answers 413 for a declared length over the cap without reading the body, before the 404 of a disabled route", async () => {
    const { stream, state } = countingBody(1000);
    const response = await post("/api/auth/demo-login", stream, { "Content-Length": String(1000 * 1024) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "too_large", message: expect.stringContaining(`${BODY_LIMITS.json}`) } });
    expect(state.pulled).toBe(0);
  });

  it("stops reading a chunked body just past the cap and cancels it, before auth", async () => {
    const { stream, state } = countingBody(10_000);
    const response = await post("/api/videos/v1/progress", stream);
    expect(response.status).toBe(413);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(state.pulled).toBe(BODY_LIMITS.json / 1024 + 1);
    expect(state.cancelled).toBe(true);
  });

  it("caps event batches at 256 KiB and lets a body under the cap through to auth", async () => {
    const big = countingBody(10_000);
    expect((await post("/api/events", big.stream)).status).toBe(413);
    expect(big.state.pulled).toBe(BODY_LIMITS.events / 1024 + 1);
    const small = countingBody(4);
    expect((await post("/api/events", small.stream)).status).toBe(401);
  });

  it("still hands a bounded body to the route's validator", async () => {
    const demo = await createTestApp({ DEMO_MODE: "1" });
    try {
      const ok = await demo.app.request("/api/auth/demo-login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "carol" }) });
      expect(await ok.json()).toMatchObject({ viewer: { id: "demo:carol" } });
    } finally {
      await demo.close();
    }
  });
});
