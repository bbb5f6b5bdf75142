// Viewer authentication: HS256 JWTs checked for signature, exp, nbf, iss and aud (jose).
import { errors, jwtVerify, SignJWT } from "jose";
import type { AppConfig } from "../config.ts";
import { HttpError } from "../errors.ts";
import type { Viewer } from "../env.ts";

const ALGORITHMS = ["HS256"];

function secretOf(config: AppConfig): Uint8Array {
  return new TextEncoder().encode(config.JWT_SECRET);
}

export async function issueViewerToken(config: AppConfig, viewer: Viewer, ttlSeconds = 12 * 3600): Promise<string> {
  return new SignJWT(viewer.name ? { name: viewer.name } : {})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(viewer.id)
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(secretOf(config));
}

export async function verifyViewerToken(config: AppConfig, token: string): Promise<Viewer> {
  try {
    const { payload } = await jwtVerify(token, secretOf(config), {
      algorithms: ALGORITHMS,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      requiredClaims: ["sub", "exp"],
    });
    const viewer: Viewer = { id: payload.sub! };
    if (typeof payload["name"] === "string") viewer.name = payload["name"];
    return viewer;
  } catch (error) {
    const expired = error instanceof errors.JWTExpired;
    throw new HttpError(
      401,
      expired ? "token_expired" : "invalid_token",
      expired ? "your sign-in has expired: sign in again" : "the bearer token is not valid for this site",
      { "WWW-Authenticate": `Bearer error="invalid_token"` },
    );
  }
}
