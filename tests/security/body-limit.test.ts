// Oversized JSON bodies on every JSON route of the real Node worker, over real HTTP: chunked and with
// a Content-Length, with and without a viewer token. Each gets 413 with the JSON error, and the
// server stops reading near the cap (counted on the server's side of the connection).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createViewerAuth } from "@edgestream/worker";
import { countServerReads, floodBody } from "./raw-http.ts";
import { startSecurityWorker, type SecurityWorker } from "./worker.ts";

/** The caps (worker/src/http/body-limit.ts), spelled out: this suite checks the numbers too. */
const JSON_CAP = 8 * 1024;
const EVENTS_CAP = 256 * 1024;
/** What a server may read past the cap before it stops: a socket read or two and the stream buffers. */
const READ_SLACK = 128 * 1024;
const FLOOD_BYTES = 32 * 1024 * 1024;

const ROUTES: { method: string; path: string; cap: number }[] = [
  { method: "POST", path: "/api/auth/demo-login", cap: JSON_CAP },
  { method: "POST", path: "/api/videos", cap: JSON_CAP },
  { method: "PATCH", path: "/api/videos/v1", cap: JSON_CAP },
  { method: "PUT", path: "/api/videos/v1/progress", cap: JSON_CAP },
  { method: "POST", path: "/api/videos/v1/progress", cap: JSON_CAP },
  { method: "POST", path: "/api/sessions/s1/heartbeat", cap: JSON_CAP },
  { method: "POST", path: "/api/events", cap: EVENTS_CAP },
  { method: "POST", path: "/api/no-such-route", cap: JSON_CAP },
];

for (const demoMode of ["1", "0"]) {
  describe(`oversized JSON bodies (demo mode ${demoMode})`, () => {
    let w: SecurityWorker;
    let reads: ReturnType<typeof countServerReads>;
    let token: string;

    beforeAll(async () => {
      w = await startSecurityWorker("body", { DEMO_MODE: demoMode });
      reads = countServerReads(w.worker.server);
      token = await createViewerAuth(w.worker.deps.config).issue({ id: "mallory", roles: [] });
    });
    afterAll(() => w?.close());

    const cases = ROUTES.flatMap((route) => [true, false].flatMap((chunked) => [true, false].map((withToken) => ({ ...route, chunked, withToken }))));
    it.each(cases)("$method $path chunked=$chunked token=$withToken → 413, reading stops near the cap", async ({ method, path, cap, chunked, withToken }) => {
      const headers = ["Content-Type: application/json", ...(withToken ? [`Authorization: Bearer ${token}`] : [])];
      const answer = await floodBody(w.worker.url, { method, path, headers, chunked, maxBytes: FLOOD_BYTES });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: "too_large", message: `the request body is larger than the ${cap}-byte limit of this route` } });
      expect(answer.headers["access-control-allow-origin"]).toBe("*");
      expect(answer.headers["connection"]).toBe("close");
      expect(await reads.lastClosed()).toBeLessThan(answer.headBytes + cap + READ_SLACK);
    });

    it.each([true, false])("an upload without a token gets 401 and is not read (chunked=%s)", async (chunked) => {
      const answer = await floodBody(w.worker.url, { method: "POST", path: "/api/videos?title=x", headers: ["Content-Type: video/mp4"], chunked, maxBytes: FLOOD_BYTES });
      expect(answer.status).toBe(401);
      expect(answer.headers["connection"]).toBe("close");
      expect(await reads.lastClosed()).toBeLessThan(answer.headBytes + READ_SLACK);
    });
  });
}
