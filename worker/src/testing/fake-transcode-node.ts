// A transcode node in memory, for tests that need node states a real node reaches only after real
// encodes (a job that succeeded, failed or was forgotten; a session that completed). Each test sets
// the answers it needs; every call is recorded.
import { TranscodeNodeError, type JobState, type NodeSessionState, type TranscodeClient } from "../transcode/node-client.ts";

export interface FakeTranscodeNode extends TranscodeClient {
  jobs: Map<string, JobState>;
  sessions: Map<string, NodeSessionState>;
  /** What createJob / startSession answer next (a JobState, a session, or the node's refusal). */
  nextJob: JobState | TranscodeNodeError;
  nextSession: NodeSessionState | TranscodeNodeError;
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
      return answer(node.nextJob, node.jobs);
    },
    async getJob(id) {
      return node.jobs.get(id) ?? null;
    },
    async startSession() {
      return answer(node.nextSession, node.sessions);
    },
    async getSession(id) {
      return node.sessions.get(id) ?? null;
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
