// Rendezvous (highest-random-weight) hashing: every caller ranks the same nodes the same way for a
// key, so all viewers of one video meet on one node, and when it goes the next in line takes over
// while every other video stays where it was. SHA-256 via Web Crypto (every runtime).

async function weight(nodeId: string, key: string): Promise<bigint> {
  const digest = new DataView(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${nodeId}\u0000${key}`)));
  return digest.getBigUint64(0);
}

/** `ids` ordered by their weight for `key`, highest first. */
export async function rankByRendezvous(key: string, ids: readonly string[]): Promise<string[]> {
  const weighted = await Promise.all(ids.map(async (id) => ({ id, w: await weight(id, key) })));
  return weighted.sort((a, b) => (a.w === b.w ? a.id.localeCompare(b.id) : a.w > b.w ? -1 : 1)).map((x) => x.id);
}
