// Prometheus metrics for one node, in their own registry (never prom-client's global one, so two
// nodes in one process — tests — do not collide).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "edgestream_node_" });
  return {
    registry,
    jobs: new Counter({ name: "edgestream_jobs_total", help: "Jobs that reached a final state", labelNames: ["status"], registers: [registry] }),
    jobSeconds: new Histogram({ name: "edgestream_job_duration_seconds", help: "Wall time of successful jobs", buckets: [1, 5, 15, 60, 300, 900, 3600], registers: [registry] }),
    retries: new Counter({ name: "edgestream_job_retries_total", help: "Retries after transient failures", registers: [registry] }),
    fallbacks: new Counter({ name: "edgestream_hw_fallbacks_total", help: "Jobs that fell back to software encoding", registers: [registry] }),
    deduplicated: new Counter({ name: "edgestream_jobs_deduplicated_total", help: "Jobs answered from an existing package", registers: [registry] }),
    queued: new Gauge({ name: "edgestream_jobs_queued", help: "Jobs waiting", registers: [registry] }),
    running: new Gauge({ name: "edgestream_jobs_running", help: "Jobs running", registers: [registry] }),
    sessions: new Gauge({ name: "edgestream_sessions", help: "On-demand sessions running", registers: [registry] }),
    leases: new Gauge({ name: "edgestream_session_leases", help: "Viewer leases held on sessions", registers: [registry] }),
    encodeSpeed: new Gauge({ name: "edgestream_session_encode_speed", help: "Encoding speed of each session, × realtime", labelNames: ["session"], registers: [registry] }),
    segmentsAhead: new Gauge({ name: "edgestream_session_segments_ahead", help: "Segments each session's encoder is ahead of its furthest viewer", labelNames: ["session"], registers: [registry] }),
  };
}
export type NodeMetrics = ReturnType<typeof createMetrics>;
