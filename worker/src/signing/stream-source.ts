// Where a stream token's bytes come from, as a typed claim: a stored package (its storage prefix)
// or a node's on-demand session (its id). On the wire both travel in the token's one `src` field,
// a session as `node-<id>`, so the gate reads the token without a database; only this pair of
// functions knows that spelling.

export type StreamSource = { src: string; session?: undefined } | { session: string; src?: undefined };

const SESSION_WIRE_PREFIX = "node-";
const WIRE_FIELD = /^[A-Za-z0-9_-]{1,128}$/;

/** True for a storage prefix a token can carry: one folder name that cannot be read as a session. */
export function isSignablePrefix(prefix: string): boolean {
  return WIRE_FIELD.test(prefix) && !prefix.startsWith(SESSION_WIRE_PREFIX);
}

/** The token's `src` field for a source; throws for a prefix or session id no token can carry. */
export function formatStreamSource(source: StreamSource): string {
  if (source.session !== undefined) {
    const wire = `${SESSION_WIRE_PREFIX}${source.session}`;
    if (!source.session || !WIRE_FIELD.test(wire)) throw new Error(`node session id "${source.session}" cannot be used in a stream token`);
    return wire;
  }
  if (!isSignablePrefix(source.src)) throw new Error(`storage prefix "${source.src}" cannot be used in a stream token`);
  return source.src;
}

/** The source a token's `src` field names; null when the field is not one formatStreamSource writes. */
export function parseStreamSource(wire: string): StreamSource | null {
  if (!WIRE_FIELD.test(wire)) return null;
  if (!wire.startsWith(SESSION_WIRE_PREFIX)) return { src: wire };
  const session = wire.slice(SESSION_WIRE_PREFIX.length);
  return session ? { session } : null;
}
