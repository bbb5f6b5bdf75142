import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { NodeConfigError, parseNodeConfig } from "./config.ts";

const base = { NODE_SECRET: "s".repeat(40) };

describe("node configuration for a fleet", () => {
  it("needs NODE_REGISTRATION_SECRET with WORKER_URL, and says so", () => {
    expect(() => parseNodeConfig({ ...base, WORKER_URL: "http://127.0.0.1:8787" })).toThrow(NodeConfigError);
    expect(() => parseNodeConfig({ ...base, WORKER_URL: "http://127.0.0.1:8787" })).toThrow(/NODE_REGISTRATION_SECRET: is required when WORKER_URL is set/);
  });

  it("names the node after the host by default, and refuses a name the worker would not take", () => {
    const config = parseNodeConfig({ ...base, WORKER_URL: "http://127.0.0.1:8787", NODE_REGISTRATION_SECRET: "r".repeat(40) });
    expect(config.NODE_NAME).toBe(hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 100));
    expect(() => parseNodeConfig({ ...base, NODE_NAME: "has spaces" })).toThrow(/NODE_NAME: must be 1-100 letters/);
  });

  it("refuses a WORKER_URL that is not http(s)", () => {
    expect(() => parseNodeConfig({ ...base, WORKER_URL: "ftp://worker", NODE_REGISTRATION_SECRET: "r".repeat(40) })).toThrow(/WORKER_URL: must be the worker's http\(s\) URL/);
  });
});
