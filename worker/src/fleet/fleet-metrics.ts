// /metrics for the worker's Node entry: jobs by state and nodes by status, in the Prometheus text
// format (a few gauges, counted when scraped: nothing runs in the background).
import { count } from "drizzle-orm";
import { FLEET_NODE_STATUSES } from "@edgestream/contracts";
import { FLEET_JOB_STATUSES, jobs } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { listNodes } from "./registry.ts";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export async function fleetMetrics(deps: AppDeps): Promise<string> {
  const [byState, nodes] = await Promise.all([deps.db.select({ status: jobs.status, n: count() }).from(jobs).groupBy(jobs.status), listNodes(deps)]);
  const lines = ["# HELP edgestream_fleet_jobs Packaging jobs in the worker's database, by state.", "# TYPE edgestream_fleet_jobs gauge"];
  for (const state of FLEET_JOB_STATUSES) lines.push(`edgestream_fleet_jobs{state="${state}"} ${byState.find((r) => r.status === state)?.n ?? 0}`);
  lines.push("# HELP edgestream_fleet_nodes Registered transcode nodes, by status (lost: silent for three heartbeat intervals).", "# TYPE edgestream_fleet_nodes gauge");
  for (const status of FLEET_NODE_STATUSES) lines.push(`edgestream_fleet_nodes{status="${status}"} ${nodes.filter((n) => n.status === status).length}`);
  return `${lines.join("\n")}\n`;
}
