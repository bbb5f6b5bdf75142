// The fleet's nodes in the worker's database: registration (a new credential each time a name
// registers), heartbeats, lookup by credential, and the operator's list.
import { eq } from "drizzle-orm";
import type { FleetNode, NodeRegister, NodeReport } from "@edgestream/contracts";
import { nowMs } from "../clock.ts";
import { newVideoId } from "../db/ids.ts";
import { jobs, transcodeNodes, type TranscodeNode } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { newCredential, sha256Hex } from "./credentials.ts";
import { nodeStatus } from "./node-status.ts";

function reportColumns(report: NodeReport) {
  return {
    status: report.status,
    encoders: report.encoders,
    hardware: report.hardware,
    slots: report.slots,
    freeJobSlots: report.slots.reduce((n, s) => n + s.jobs, 0),
    freeSessionSlots: report.slots.reduce((n, s) => n + s.sessions, 0),
    runningJobs: report.runningJobs,
    runningSessions: report.runningSessions,
    load: report.load,
  };
}

/** Registers a node, or re-registers one by name (a restart): either way it gets a fresh credential. */
export async function registerNode(deps: AppDeps, request: NodeRegister): Promise<{ node: TranscodeNode; credential: string }> {
  const credential = newCredential();
  const now = new Date(nowMs(deps));
  const columns = { ...reportColumns(request.report), url: request.url ?? null, credentialHash: await sha256Hex(credential), lastSeenAt: now };
  const [node] = await deps.db
    .insert(transcodeNodes)
    .values({ id: newVideoId(), name: request.name, registeredAt: now, ...columns })
    .onConflictDoUpdate({ target: transcodeNodes.name, set: { ...columns, registeredAt: now } })
    .returning();
  return { node: node!, credential };
}

export async function nodeByCredential(deps: AppDeps, credential: string): Promise<TranscodeNode | undefined> {
  return deps.db.query.transcodeNodes.findFirst({ where: eq(transcodeNodes.credentialHash, await sha256Hex(credential)) });
}

export async function recordHeartbeat(deps: AppDeps, nodeId: string, report: NodeReport): Promise<void> {
  await deps.db.update(transcodeNodes).set({ ...reportColumns(report), lastSeenAt: new Date(nowMs(deps)) }).where(eq(transcodeNodes.id, nodeId));
}

export async function removeNode(deps: AppDeps, nodeId: string): Promise<boolean> {
  const removed = await deps.db.delete(transcodeNodes).where(eq(transcodeNodes.id, nodeId)).returning({ id: transcodeNodes.id });
  return removed.length > 0;
}

/** Every node as operators see it, with the videos it holds job leases for. */
export async function listNodes(deps: AppDeps): Promise<FleetNode[]> {
  const now = nowMs(deps);
  const [nodes, running] = await Promise.all([
    deps.db.select().from(transcodeNodes).orderBy(transcodeNodes.name),
    deps.db.select({ nodeId: jobs.nodeId, videoId: jobs.videoId }).from(jobs).where(eq(jobs.status, "running")),
  ]);
  return nodes.map((node) => ({
    id: node.id,
    name: node.name,
    status: nodeStatus(deps.config, node, now),
    url: node.url,
    lastHeartbeatAt: node.lastSeenAt.toISOString(),
    encoders: node.encoders,
    hardware: node.hardware,
    slots: node.slots,
    freeJobSlots: node.freeJobSlots,
    freeSessionSlots: node.freeSessionSlots,
    packaging: running.filter((j) => j.nodeId === node.id).map((j) => j.videoId),
    sessions: node.runningSessions,
    load: node.load,
  }));
}
