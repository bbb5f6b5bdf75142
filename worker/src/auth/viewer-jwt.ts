// Viewer authentication with jose: HS256 with a shared secret, or RS256/ES256/… from a JWKS URL
// (an identity provider's keys), always checking signature, exp, nbf, iss and aud. `alg: none`
// is never accepted: the algorithm list is fixed by configuration, not by the token.
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import type { AppConfig } from "../config.ts";
import { HttpError } from "../errors.ts";
import type { Viewer } from "../env.ts";

export interface ViewerAuth {
  verify(token: string): Promise<Viewer>;
  /** Only with JWT_SECRET (demo sign-in, tests). */
  issue(viewer: Viewer, ttlSeconds?: number): Promise<string>;
}

export function createViewerAuth(config: AppConfig): ViewerAuth {
  const secret = config.JWT_SECRET ? new TextEncoder().encode(config.JWT_SECRET) : undefined;
  const jwks = config.JWT_JWKS_URL ? createRemoteJWKSet(new URL(config.JWT_JWKS_URL)) : undefined;
  const algorithms = config.JWT_ALGORITHMS?.split(",") ?? (jwks ? ["RS256", "ES256"] : ["HS256"]);
  const options = { algorithms, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, requiredClaims: ["sub", "exp"] };

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        payload = jwks ? (await jwtVerify(token, jwks, options)).payload : (await jwtVerify(token, secret!, options)).payload;
      } catch (error) {
        throw unauthorized(error);
      }
      const viewer: Viewer = { id: payload.sub!, roles: Array.isArray(payload["roles"]) ? payload["roles"].filter((r) => typeof r === "string") : [] };
      if (typeof payload["name"] === "string") viewer.name = payload["name"];
      return viewer;
    },

    async issue(viewer, ttlSeconds = 12 * 3600) {
      if (!secret) throw new Error("issuing viewer tokens needs JWT_SECRET");
      const claims: JWTPayload = {};
      if (viewer.name) claims["name"] = viewer.name;
      if (viewer.roles.length) claims["roles"] = viewer.roles;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(viewer.id)
        .setIssuer(config.JWT_ISSUER)
        .setAudience(config.JWT_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(secret);
    },
  };
}

function unauthorized(error: unknown): HttpError {
  const expired = error instanceof errors.JWTExpired;
  const why = expired
    ? "your sign-in has expired: sign in again"
    : error instanceof errors.JWTClaimValidationFailed
      ? `the bearer token's "${error.claim}" claim is not accepted here`
      : "the bearer token is not valid for this site";
  return new HttpError(401, expired ? "token_expired" : "invalid_token", why, { "WWW-Authenticate": `Bearer error="invalid_token"` });
}
