import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.ts";

describe("parseConfig", () => {
  it("names every missing or bad key and says what is expected", () => {
    try {
      parseConfig({ JWT_SECRET: "short", STREAM_TOKEN_TTL_SECONDS: "ten" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/SIGNING_KEYS is required: kid:secret pairs/);
      expect(message).toMatch(/JWT_SECRET must be at least 32 characters/);
      expect(message).toMatch(/STREAM_TOKEN_TTL_SECONDS/);
    }
  });

  it("fills defaults and reads flags", () => {
    const config = parseConfig({ SIGNING_KEYS: "k1:x", JWT_SECRET: "j".repeat(32), DEMO_MODE: "true" });
    expect(config).toMatchObject({ DEMO_MODE: true, STREAM_TOKEN_TTL_SECONDS: 300, CLOCK_SKEW_SECONDS: 30, CORS_ORIGINS: "*" });
  });
});
