// The demo page is served with a frame and content policy (demo/vite.config.ts): no framing, no
// plugins, scripts only from the page's own origin, media from blob: (MSE) and the origin only.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type ViteDevServer } from "vite";

let vite: ViteDevServer;
let url: string;

beforeAll(async () => {
  vite = await createServer({
    configFile: fileURLToPath(new URL("../../demo/vite.config.ts", import.meta.url)),
    logLevel: "silent",
    server: { host: "127.0.0.1", port: 0 },
  });
  await vite.listen();
  url = `http://127.0.0.1:${(vite.httpServer!.address() as import("node:net").AddressInfo).port}/`;
});
afterAll(() => vite?.close());

describe("demo page headers", () => {
  it("forbids framing and sniffing and limits where scripts, media and connections come from", async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const policy = new Map(
      response.headers
        .get("content-security-policy")!
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("script-src")).toEqual(["'self'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    // data: for the empty WebVTT track Shaka Player's native subtitle display starts from.
    expect(policy.get("media-src")).toEqual(["'self'", "blob:", "data:"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
  });
});
