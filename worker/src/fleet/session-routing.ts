// On-demand sessions over the fleet: a new session goes to the first node in the video's rendezvous
// ranking among healthy nodes with a public URL and a free session slot (a viewer's, failing that, to
// a full one: the node stops a pre-warm session for it, or refuses); later calls go to the node
// that holds the session. A session id names its node (`<node id><node's session id>`, node ids
// being 21 characters), so the segment gate finds the node without asking for more than its row.
// A node that is lost or does not answer holds no session: the gate answers 410, the SDK refreshes,
// and /stream opens the session on the next node in line.
import { eq } from "drizzle-orm";
import type { NodeSessionState } from "@edgestream/contracts";
import { nowMs } from "../clock.ts";
import { transcodeNodes, type TranscodeNode } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { createTranscodeClient, TranscodeNodeError, type TranscodeClient } from "../transcode/node-client.ts";
import { fleetPackaging } from "./job-leases.ts";
import { nodeStatus } from "./node-status.ts";
import { rankByRendezvous } from "./rendezvous.ts";

const NODE_ID_LENGTH = 21;

/** The node's answer did not come (refused, reset, timed out): as good as no session there. */
const unreachable = (error: unknown) => error instanceof TranscodeNodeError && error.status === undefined;

export function createFleetTranscoder(deps: AppDeps, nodeSecret: string): TranscodeClient {
  const clients = new Map<string, TranscodeClient>();
  const clientFor = (node: TranscodeNode) => {
    const key = `${node.id} ${node.url}`;
    let client = clients.get(key);
    if (!client) clients.set(key, (client = createTranscodeClient(node.url!, nodeSecret)));
    return client;
  };
  /** The live node holding a routed session, and the node's own session id; null when it is gone. */
  const holder = async (id: string) => {
    const node = await deps.db.query.transcodeNodes.findFirst({ where: eq(transcodeNodes.id, id.slice(0, NODE_ID_LENGTH)) });
    if (!node?.url || nodeStatus(deps.config, node, nowMs(deps)) === "lost") return null;
    return { client: clientFor(node), inner: id.slice(NODE_ID_LENGTH), nodeId: node.id };
  };
  const routed = (nodeId: string, state: NodeSessionState): NodeSessionState => ({ ...state, id: `${nodeId}${state.id}` });
  const orNull = async <T>(call: () => Promise<T>): Promise<T | null> => {
    try {
      return await call();
    } catch (error) {
      if (unreachable(error)) return null;
      throw error;
    }
  };

  return {
    ...fleetPackaging(deps),
    async startSession(request) {
      const now = nowMs(deps);
      const nodes = (await deps.db.select().from(transcodeNodes)).filter((n) => n.url && nodeStatus(deps.config, n, now) === "healthy");
      const byId = new Map(nodes.map((n) => [n.id, n]));
      const ids = (free: boolean) => nodes.filter((n) => n.freeSessionSlots > 0 === free).map((n) => n.id);
      const order = [...(await rankByRendezvous(request.videoId, ids(true))), ...(request.priority === "prewarm" ? [] : await rankByRendezvous(request.videoId, ids(false)))];
      let last: unknown = new TranscodeNodeError("no transcode node can take a session now", 503);
      for (const id of order) {
        try {
          return routed(id, await clientFor(byId.get(id)!).startSession(request));
        } catch (error) {
          // The source itself is refused (422): no other node will read it either.
          if (error instanceof TranscodeNodeError && error.status === 422) throw error;
          last = error;
        }
      }
      throw last;
    },
    async getSession(id) {
      const at = await holder(id);
      if (!at) return null;
      const state = await orNull(() => at.client.getSession(at.inner));
      return state ? routed(at.nodeId, state) : null;
    },
    async heartbeat(id, lease, priority) {
      const at = await holder(id);
      return at ? ((await orNull(() => at.client.heartbeat(at.inner, lease, priority))) ?? false) : false;
    },
    async sessionFile(id, path, lease) {
      const at = await holder(id);
      return at ? orNull(() => at.client.sessionFile(at.inner, path, lease)) : null;
    },
  };
}
