// Signed webhooks, both ends: the worker signs each delivery, a receiver verifies it with
// `verifyWebhook` (subpath `@edgestream/contracts/webhook-signature`; Web Crypto only, no
// dependency, so it runs in Node 20+, Deno, Workers and Bun). The header is Stripe's and Mux's
// form: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.

/** The request header carrying the signature. */
export const WEBHOOK_SIGNATURE_HEADER = "EdgeStream-Signature";

/** A signature older (or newer) than this is refused: a captured delivery cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export const WEBHOOK_EVENTS = ["video.ready", "video.failed", "video.deleted", "upload.completed"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The JSON body of a delivery. `id` is the same on every retry of one delivery: de-duplicate on it. */
export interface WebhookPayload<Data = Record<string, unknown>> {
  id: string;
  type: WebhookEventType;
  /** When the worker learnt of the change (ISO 8601). */
  createdAt: string;
  data: Data;
}

const encoder = new TextEncoder();

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/** The header value for `body` (the exact bytes sent) at `timestamp` (unix seconds). */
export async function signWebhook(secret: string, body: string, timestamp: number): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), encoder.encode(`${timestamp}.${body}`));
  const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `t=${timestamp},v1=${hex}`;
}

export interface VerifyOptions {
  toleranceSeconds?: number;
  /** Unix seconds; defaults to the system clock. */
  now?: number;
}

/**
 * True when `header` signs `body` (the raw request body, before any JSON parsing) with `secret`,
 * within the tolerance. Any `v1` entry may match (the sender may list several during a secret
 * rotation). The MAC is checked by Web Crypto's verify, in constant time.
 */
export async function verifyWebhook(secret: string, body: string, header: string | null | undefined, options: VerifyOptions = {}): Promise<boolean> {
  if (!header) return false;
  const parts = header.split(",").map((part) => part.trim().split("="));
  const timestamps = parts.filter(([k]) => k === "t").map(([, v]) => v ?? "");
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0]!)) return false;
  const timestamp = Number(timestamps[0]);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return false;
  const key = await hmacKey(secret, "verify");
  const signed = encoder.encode(`${timestamp}.${body}`);
  for (const [k, v] of parts) {
    if (k !== "v1" || !v || !/^[0-9a-f]{64}$/.test(v)) continue;
    const mac = new Uint8Array(v.match(/../g)!.map((pair) => parseInt(pair, 16)));
    if (await crypto.subtle.verify("HMAC", key, mac, signed)) return true;
  }
  return false;
}
