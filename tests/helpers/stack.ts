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

/**
 * The same token with one character in the middle of its MAC changed to a different one. A 32-byte
 * MAC is 43 base64url characters whose last one has 2 spare bits; the 10th from the end carries
 * only MAC bits, so the decoded MAC always differs (overwriting the tail, e.g. with "xx", can be a
 * no-op when the tail already spells the same bits).
 */
export function tamper(token: string): string {
  const at = token.length - 10;
  return token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
}
