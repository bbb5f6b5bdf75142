// Playback session ids, bound to the viewer they were issued to without storing them:
//   <kid><nonce><mac>          (no separator: ids stay [A-Za-z0-9_-], read from the right)
// kid: signing key id (rotation, as for stream tokens) · nonce: 12 random bytes, base64url (16)
// mac: base64url HMAC-SHA256 (43) over "session:<kid>.<nonce>.<base64url viewer id>". The
// "session:" prefix keeps these MACs apart from stream tokens' (whose payload starts with the kid).
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";
import type { Keyring } from "./keyring.ts";

const NONCE_CHARS = 16;
const MAC_CHARS = 43;
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{60,91}$/;
const encoder = new TextEncoder();

function payload(kid: string, nonce: string, viewerId: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`session:${kid}.${nonce}.${encodeBase64Url(encoder.encode(viewerId))}`);
}

export async function issueSessionId(keyring: Keyring, viewerId: string): Promise<string> {
  const kid = keyring.currentKid;
  const nonce = encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)));
  const mac = await crypto.subtle.sign("HMAC", keyring.key(kid)!, payload(kid, nonce, viewerId));
  return `${kid}${nonce}${encodeBase64Url(new Uint8Array(mac))}`;
}

/** True only for an id this deployment issued to this viewer (constant-time MAC check). */
export async function verifySessionId(keyring: Keyring, id: string, viewerId: string): Promise<boolean> {
  if (!SESSION_ID_PATTERN.test(id)) return false;
  const kid = id.slice(0, -(NONCE_CHARS + MAC_CHARS));
  const nonce = id.slice(kid.length, -MAC_CHARS);
  const macText = id.slice(-MAC_CHARS);
  const key = keyring.key(kid);
  const mac = decodeBase64Url(macText);
  // Only the canonical spelling of a MAC: one session, one id string.
  if (!key || !mac || mac.length !== 32 || encodeBase64Url(mac) !== macText) return false;
  return crypto.subtle.verify("HMAC", key, mac, payload(kid, nonce, viewerId));
}

/** The id a player passed back when it is this viewer's, else a new one: one id per viewing, never someone else's. */
export async function keepOrIssueSessionId(keyring: Keyring, passedBack: string | undefined, viewerId: string): Promise<string> {
  return passedBack && (await verifySessionId(keyring, passedBack, viewerId)) ? passedBack : issueSessionId(keyring, viewerId);
}
