// Exponential backoff with jitter, shared by /stream polling, token refresh and error recovery.

/** Delay before retry number `attempt` (0-based): base·2^attempt capped at max, then ±20 % jitter so clients do not retry in step. */
export function backoffDelay(attempt: number, baseMs = 1000, maxMs = 30_000, random = Math.random): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(delay * (0.8 + 0.4 * random()));
}
