// Keeps the DASH page's stream token fresh: Shaka's request filter waits for a new token from /stream
// shortly before the current one expires, and puts it into every signed URL (the path form,
// /hls/<token>/…). The SDK's own refresher serves its hls.js path and is internal to the SDK.
import { pathTokenOf, withToken } from "@edgestream/contracts/signed-path";
import { streamOf } from "./api.ts";

export interface DashGrant {
  dashUrl: string;
  expiresAt: string;
  sessionId: string;
}

/** Renew once a quarter of the token's life is left, and at most 30 s ahead. */
const leadMs = (expiresAt: number) => Math.min(30_000, (expiresAt - Date.now()) / 4);

export function freshTokenFilter(id: string, first: DashGrant): (type: unknown, request: { uris: string[] }) => Promise<void> {
  let grant = first;
  let token = pathTokenOf(new URL(first.dashUrl, location.href).pathname) ?? "";
  let expiresAt = Date.parse(first.expiresAt);
  let lead = leadMs(expiresAt);
  let pending: Promise<void> | null = null;
  const renew = async () => {
    const next = await streamOf(id, { session: grant.sessionId, renew: token });
    if (next.status !== "ready" || !next.dashUrl) throw new Error("this video can no longer be played over DASH");
    grant = { dashUrl: next.dashUrl, expiresAt: next.expiresAt, sessionId: next.sessionId };
    token = pathTokenOf(new URL(next.dashUrl, location.href).pathname) ?? token;
    expiresAt = Date.parse(next.expiresAt);
    lead = leadMs(expiresAt);
  };
  return async (_type, request) => {
    if (Date.now() >= expiresAt - lead) await (pending ??= renew().finally(() => (pending = null)));
    request.uris = request.uris.map((uri) => {
      const url = new URL(uri, location.href);
      return pathTokenOf(url.pathname) === undefined ? uri : withToken(url, token).href;
    });
  };
}
