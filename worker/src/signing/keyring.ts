// Signing keys by `kid`: the current one signs, every listed one verifies (key rotation).

export interface Keyring {
  readonly currentKid: string;
  key(kid: string): CryptoKey | undefined;
}

const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export async function createKeyring(secrets: Record<string, string>, currentKid: string): Promise<Keyring> {
  const keys = new Map<string, CryptoKey>();
  for (const [kid, secret] of Object.entries(secrets)) {
    if (!KID_PATTERN.test(kid)) throw new Error(`signing key id "${kid}" must be 1-32 characters of A-Z a-z 0-9 _ -`);
    if (secret.length < 32) throw new Error(`signing key "${kid}" is too short: use at least 32 characters of random text`);
    const raw = new TextEncoder().encode(secret);
    keys.set(kid, await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]));
  }
  if (!keys.has(currentKid)) throw new Error(`current signing key "${currentKid}" is not among the configured keys`);
  return { currentKid, key: (kid) => keys.get(kid) };
}

/** Parses `kid:secret,kid2:secret2`; the first entry is the current key. */
export function parseSigningKeys(text: string): { secrets: Record<string, string>; currentKid: string } {
  const secrets: Record<string, string> = {};
  let currentKid = "";
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const colon = part.indexOf(":");
    if (colon <= 0) throw new Error("SIGNING_KEYS has an entry that is not of the form kid:secret (entries are comma-separated)");
    const kid = part.slice(0, colon);
    secrets[kid] = part.slice(colon + 1);
    currentKid ||= kid;
  }
  if (!currentKid) throw new Error("SIGNING_KEYS is empty: give at least one kid:secret pair");
  return { secrets, currentKid };
}
