// Shared set-up for cross-package tests: fixed test secrets (so tests can mint their own stream
// tokens, expired ones included) and a temporary data directory per suite.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TEST_SECRETS = {
  SIGNING_KEYS: `t1:${"k".repeat(48)}`,
  JWT_SECRET: "j".repeat(48),
};

export function tempDataDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `edgestream-${label}-`));
}

/** Replaces the stream token (the `sig` parameter) of a URL. */
export function withSig(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.set("sig", token);
  return u.href;
}

/** The same token with its MAC's last character changed. */
export function tamper(token: string): string {
  return token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
}
