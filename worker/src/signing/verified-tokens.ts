// Tokens whose MAC was already checked, with their claims: a player sends one token on every
// request for minutes, and the HMAC (a crypto job per request) need not be redone for each. Scope
// and expiry are still judged on every request; only authentic tokens are kept, least recent first out.
import type { Keyring } from "./keyring.ts";
import { authenticateStreamToken, checkStreamGrant, type StreamClaims, type VerifyResult } from "./stream-token.ts";

export class VerifiedTokens {
  private known = new Map<string, StreamClaims>();

  constructor(
    private readonly keyring: Keyring,
    private readonly max = 10_000,
  ) {}

  async verify(token: string, path: string, nowSeconds: number, leewaySeconds: number): Promise<VerifyResult> {
    let claims = this.known.get(token);
    if (claims === undefined) {
      const authentic = await authenticateStreamToken(this.keyring, token);
      if (!authentic.ok) return authentic;
      claims = authentic.claims;
      if (this.known.size >= this.max) this.known.delete(this.known.keys().next().value!);
      this.known.set(token, claims);
    }
    return checkStreamGrant(claims, path, nowSeconds, leewaySeconds);
  }
}
