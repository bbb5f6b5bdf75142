// Viewer JWTs: HS256 with a secret, and RS256 keys fetched from a JWKS URL over real HTTP.
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.ts";
import { HttpError } from "../errors.ts";
import { createViewerAuth } from "./viewer-jwt.ts";

const hsConfig = parseConfig({ SIGNING_KEYS: "k1:x", JWT_SECRET: "j".repeat(40) });
const secret = new TextEncoder().encode("j".repeat(40));

async function hsToken(edit: (jwt: SignJWT) => SignJWT = (j) => j, key = secret): Promise<string> {
  const base = new SignJWT({ name: "Ann", roles: ["admin", 3] }).setProtectedHeader({ alg: "HS256" }).setSubject("ann").setIssuer("edgestream").setAudience("edgestream").setExpirationTime("1h");
  return edit(base).sign(key);
}

async function rejection(promise: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  const { status, code, message } = error as HttpError;
  return { status, code, message };
}

describe("HS256", () => {
  const auth = createViewerAuth(hsConfig);

  it("accepts a valid token and reads sub, name and string roles", async () => {
    expect(await auth.verify(await hsToken())).toEqual({ id: "ann", name: "Ann", roles: ["admin"] });
  });

  it("round-trips what it issues", async () => {
    expect(await auth.verify(await auth.issue({ id: "bob", roles: ["admin"] }))).toEqual({ id: "bob", roles: ["admin"] });
  });

  it("rejects an expired token with a message that says to sign in again", async () => {
    const expired = await hsToken((j) => j.setExpirationTime(Math.floor(Date.now() / 1000) - 3600));
    expect(await rejection(auth.verify(expired))).toEqual({ status: 401, code: "token_expired", message: "your sign-in has expired: sign in again" });
  });

  it("rejects a wrong key, a wrong issuer or audience, and a token not valid yet", async () => {
    expect(await rejection(auth.verify(await hsToken((j) => j, new TextEncoder().encode("k".repeat(40)))))).toMatchObject({ status: 401, code: "invalid_token" });
    expect(await rejection(auth.verify(await hsToken((j) => j.setIssuer("someone-else"))))).toMatchObject({ status: 401, message: `the bearer token's "iss" claim is not accepted here` });
    expect(await rejection(auth.verify(await hsToken((j) => j.setAudience("other-app"))))).toMatchObject({ status: 401, message: `the bearer token's "aud" claim is not accepted here` });
    expect(await rejection(auth.verify(await hsToken((j) => j.setNotBefore("1h"))))).toMatchObject({ status: 401 });
  });

  it("rejects alg none and tokens without an expiry", async () => {
    const payload = Buffer.from(JSON.stringify({ sub: "ann", iss: "edgestream", aud: "edgestream", exp: 9999999999 })).toString("base64url");
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`;
    expect(await rejection(auth.verify(none))).toMatchObject({ status: 401 });
    const forever = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("ann").setIssuer("edgestream").setAudience("edgestream").sign(secret);
    expect(await rejection(auth.verify(forever))).toMatchObject({ status: 401 });
  });
});

describe("JWKS", () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let requests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    privateKey = pair.privateKey as CryptoKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "idp-1", alg: "RS256", use: "sig" };
    server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("verifies RS256 tokens with keys fetched from the JWKS URL, fetching the set once", async () => {
    const auth = createViewerAuth(parseConfig({ SIGNING_KEYS: "k1:x", JWT_JWKS_URL: jwksUrl, JWT_ISSUER: "https://idp.example", JWT_AUDIENCE: "video" }));
    const token = () =>
      new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "idp-1" }).setSubject("user-7").setIssuer("https://idp.example").setAudience("video").setExpirationTime("5m").sign(privateKey);
    expect(await auth.verify(await token())).toEqual({ id: "user-7", roles: [] });
    expect(await auth.verify(await token())).toEqual({ id: "user-7", roles: [] });
    expect(requests).toBe(1);
  });

  it("refuses an HS256 token when only the JWKS is trusted (no algorithm confusion)", async () => {
    const auth = createViewerAuth(parseConfig({ SIGNING_KEYS: "k1:x", JWT_JWKS_URL: jwksUrl }));
    expect(await rejection(auth.verify(await hsToken()))).toMatchObject({ status: 401 });
  });
});
