// A node's status as operators see it. `lost` is read from silence at the time of asking (the
// worker has no background task): a node that has not heartbeated for LOST_AFTER_HEARTBEATS
// intervals is lost, whatever it last said.
import type { FleetNodeStatus } from "@edgestream/contracts";
import type { AppConfig } from "../config.ts";
import type { TranscodeNode } from "../db/schema.ts";

export const LOST_AFTER_HEARTBEATS = 3;

/** Heartbeats at or after this time (ms) count as alive. */
export function aliveSince(config: AppConfig, nowMs: number): number {
  return nowMs - LOST_AFTER_HEARTBEATS * config.NODE_HEARTBEAT_SECONDS * 1000;
}

export function nodeStatus(config: AppConfig, node: Pick<TranscodeNode, "status" | "lastSeenAt">, nowMs: number): FleetNodeStatus {
  return node.lastSeenAt.getTime() < aliveSince(config, nowMs) ? "lost" : node.status;
}
