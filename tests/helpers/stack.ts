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

/** The same token with one character in the middle of its MAC changed (every bit of it counts). */
export function tamper(token: string): string {
  const at = token.length - 10;
  return token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
}
