// Stream tokens: one HMAC-SHA256 over a compact payload, scoped to the path prefix /hls/<vid>/.
// Format (all fields URL-safe, so the token needs no escaping in a query string):
//   <kid>.<exp>.<vid>.<src>.<sub>.<mac>
// kid: signing key id · exp: expiry, unix seconds · vid: video id (scope = /hls/<vid>/)
// src: where the bytes live (a storage prefix, or a node session: stream-source.ts), so the
//      segment gate needs no database
// sub: optional viewer binding, base64url of the viewer id ("" when unbound)
// mac: base64url HMAC-SHA256 over everything before the last dot.
import { HLS_ROOT } from "@edgestream/contracts";
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";
import type { Keyring } from "./keyring.ts";
import { formatStreamSource, parseStreamSource, type StreamSource } from "./stream-source.ts";

/** What a token grants: one video's files, until `exp`, from one source, optionally to one viewer. */
export type StreamGrant = { exp: number; vid: string; sub?: string } & StreamSource;
export type StreamClaims = { kid: string } & StreamGrant;

export type VerifyFailure = "malformed" | "unknown-key" | "bad-signature" | "out-of-scope" | "expired";
export type VerifyResult = { ok: true; claims: StreamClaims } | { ok: false; reason: VerifyFailure };

const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const encoder = new TextEncoder();

export function streamScope(vid: string): string {
  return `${HLS_ROOT}${vid}/`;
}

export async function signStreamToken(keyring: Keyring, claims: StreamGrant): Promise<string> {
  if (!ID_PATTERN.test(claims.vid)) throw new Error(`video id "${claims.vid}" cannot be used in a stream token`);
  const src = formatStreamSource(claims);
  if (!Number.isSafeInteger(claims.exp) || claims.exp <= 0) throw new Error("stream token expiry must be unix seconds");
  const kid = keyring.currentKid;
  const sub = claims.sub ? encodeBase64Url(encoder.encode(claims.sub)) : "";
  const payload = `${kid}.${claims.exp}.${claims.vid}.${src}.${sub}`;
  const mac = await crypto.subtle.sign("HMAC", keyring.key(kid)!, encoder.encode(payload));
  return `${payload}.${encodeBase64Url(new Uint8Array(mac))}`;
}

/** A token's claims once its format and MAC are checked; scope and expiry are not judged here. */
export type AuthenticResult = { ok: true; claims: StreamClaims } | { ok: false; reason: "malformed" | "unknown-key" | "bad-signature" };

/** Checks a token's format and MAC (constant time) and reads its claims. */
export async function authenticateStreamToken(keyring: Keyring, token: string): Promise<AuthenticResult> {
  const fields = token.split(".");
  if (fields.length !== 6) return { ok: false, reason: "malformed" };
  const [kid, expText, vid, src, subText, macText] = fields as [string, string, string, string, string, string];
  const source = parseStreamSource(src);
  if (!/^\d{1,12}$/.test(expText) || !ID_PATTERN.test(vid) || !source) return { ok: false, reason: "malformed" };
  const key = keyring.key(kid);
  if (!key) return { ok: false, reason: "unknown-key" };
  const mac = decodeBase64Url(macText);
  const subBytes = decodeBase64Url(subText);
  if (!mac || mac.length !== 32 || !subBytes) return { ok: false, reason: "malformed" };
  // base64url's last character carries spare bits: only the canonical spelling of a MAC is accepted,
  // so one signature has exactly one token string (no look-alike tokens, no duplicate cache keys).
  if (encodeBase64Url(mac) !== macText || encodeBase64Url(subBytes) !== subText) return { ok: false, reason: "malformed" };
  const payload = encoder.encode(token.slice(0, token.length - macText.length - 1));
  // crypto.subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify("HMAC", key, mac, payload))) return { ok: false, reason: "bad-signature" };
  const claims: StreamClaims = { kid, exp: Number(expText), vid, ...source };
  if (subBytes.length) claims.sub = new TextDecoder().decode(subBytes);
  return { ok: true, claims };
}

/** Judges authentic claims for a request path: out of scope is 403, expired (past the leeway) is 410. */
export function checkStreamGrant(claims: StreamClaims, path: string, nowSeconds: number, leewaySeconds: number): VerifyResult {
  if (!path.startsWith(streamScope(claims.vid))) return { ok: false, reason: "out-of-scope" };
  if (nowSeconds > claims.exp + leewaySeconds) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}

/**
 * Verifies a token for a request path that is already normalised (see hls-path.ts).
 * Order matters: only a token whose MAC and scope are valid can be "expired" (410); all else is 403.
 */
export async function verifyStreamToken(
  keyring: Keyring,
  token: string,
  path: string,
  nowSeconds: number,
  leewaySeconds: number,
): Promise<VerifyResult> {
  const authentic = await authenticateStreamToken(keyring, token);
  return authentic.ok ? checkStreamGrant(authentic.claims, path, nowSeconds, leewaySeconds) : authentic;
}
