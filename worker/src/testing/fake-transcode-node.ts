// A transcode node in memory, for tests that need node states a real node reaches only after real
// encodes (a job that succeeded, failed or was forgotten; a session that completed). Each test sets
// the answers it needs; every call is recorded.
import type { JobResult, JobState, NodeSessionState } from "@edgestream/contracts";
import { TranscodeNodeError, type TranscodeClient } from "../transcode/node-client.ts";

/** A job as a test states it: the fields it cares about; the rest is filled with the node's defaults. */
export type FakeJob = Pick<JobState, "id" | "status"> & Omit<Partial<JobState>, "result"> & { result?: Partial<JobResult> };
/** A session as a test states it, likewise. */
export type FakeSession = Pick<NodeSessionState, "id" | "status"> & Partial<NodeSessionState>;

export interface FakeTranscodeNode extends TranscodeClient {
  jobs: Map<string, FakeJob>;
  sessions: Map<string, FakeSession>;
  /** What createJob / startSession answer next (a job, a session, or the node's refusal). */
  nextJob: FakeJob | TranscodeNodeError;
  nextSession: FakeSession | TranscodeNodeError;
  heartbeats: Array<{ id: string; lease: string }>;
}

export function createFakeTranscodeNode(): FakeTranscodeNode {
  const node: FakeTranscodeNode = {
    jobs: new Map(),
    sessions: new Map(),
    nextJob: { id: "job-1", status: "queued" },
    nextSession: { id: "sess-1", status: "running", progress: 0 },
    heartbeats: [],
    async createJob() {
      return fullJob(answer(node.nextJob, node.jobs));
    },
    async getJob(id) {
      const job = node.jobs.get(id);
      return job ? fullJob(job) : null;
    },
    async startSession() {
      return fullSession(answer(node.nextSession, node.sessions));
    },
    async getSession(id) {
      const session = node.sessions.get(id);
      return session ? fullSession(session) : null;
    },
    async heartbeat(id, lease) {
      node.heartbeats.push({ id, lease });
      return node.sessions.has(id);
    },
    async sessionFile() {
      return null;
    },
  };
  return node;
}

/** The node's answer to a create: the refusal thrown, or the new state kept under its id. */
function answer<T extends { id: string }>(next: T | TranscodeNodeError, into: Map<string, T>): T {
  if (next instanceof TranscodeNodeError) throw next;
  into.set(next.id, next);
  return next;
}

const AT = "2026-01-01T00:00:00.000Z";

function fullJob({ result, ...job }: FakeJob): JobState {
  const full = { progress: 0, attempts: 1, createdAt: AT, updatedAt: AT, ...job };
  if (!result) return full;
  return { ...full, result: { sha256: "", storagePrefix: "", durationMs: 0, deduplicated: false, backend: "software", renditions: [], thumbnails: null, warnings: [], ...result } };
}

function fullSession(session: FakeSession): NodeSessionState {
  return { progress: 0, segments: 0, leases: 1, priority: "viewer", backend: "software", encoderPids: [], leaseRenewedAt: {}, ...session };
}
