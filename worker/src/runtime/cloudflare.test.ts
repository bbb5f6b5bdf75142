// The Cloudflare entry before its secrets exist (`wrangler dev` without .dev.vars): every route
// answers 503 naming the variable, /healthz in its own shape; never a 500.
import { describe, expect, it } from "vitest";
import worker, { type CloudflareEnv } from "./cloudflare.ts";

const env = { DB: undefined, MEDIA: undefined, DEMO_MODE: "0" } as unknown as CloudflareEnv;

describe("cloudflare entry without its secrets", () => {
  it("answers /healthz 503 misconfigured, naming the missing variable", async () => {
    const response = await worker.fetch(new Request("http://127.0.0.1/healthz"), env, {});
    expect(response.status).toBe(503);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as { status: string; reason: string; message: string };
    expect(body).toMatchObject({ status: "unhealthy", reason: "misconfigured" });
    expect(body.message).toMatch(/SIGNING_KEYS/);
    expect(body.message).toMatch(/\.dev\.vars/);
  });

  it("answers any other route 503 with the error envelope", async () => {
    const response = await worker.fetch(new Request("http://127.0.0.1/api/videos"), env, {});
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { code: "misconfigured", message: expect.stringMatching(/SIGNING_KEYS is required/) } });
  });
});
