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

/** The same token with one character in the middle of its MAC changed (every bit of it counts). */
export function tamper(token: string): string {
  const at = token.length - 10;
  return token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
}
