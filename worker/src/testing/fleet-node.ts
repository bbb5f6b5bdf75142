// A transcode node as the worker sees it, for tests: it registers and then speaks the node API over
// whatever `request` is (the app in-process, or fetch to a real worker). No encoding happens here.
import { JobClaimSchema, NodeRegisteredSchema, type JobOutcome, type JobResult, type NodeReport } from "@edgestream/contracts";

export const TEST_REGISTRATION_SECRET = "r".repeat(40);

type Request = (path: string, init?: RequestInit) => Response | Promise<Response>;

export function softwareReport(overrides: Partial<NodeReport> = {}): NodeReport {
  return { status: "healthy", encoders: ["libx264"], hardware: false, slots: [{ device: "software", jobs: 1, sessions: 2 }], runningJobs: [], runningSessions: [], load: 0.5, ...overrides };
}

/** A result as a node reports it; the package itself is the test's business. */
export function fakeResult(storagePrefix = "a".repeat(64)): JobResult {
  return { sha256: storagePrefix, storagePrefix, durationMs: 2000, deduplicated: false, backend: "software", renditions: [], thumbnails: null, warnings: [] };
}

export async function registerTestNode(request: Request, name: string, report: NodeReport = softwareReport(), secret = TEST_REGISTRATION_SECRET) {
  const registered = await request("/api/nodes/register", post(secret, { name, url: `http://127.0.0.1:1/${name}`, report }));
  if (registered.status !== 201) throw new Error(`registration answered ${registered.status}: ${await registered.text()}`);
  const { nodeId, credential } = NodeRegisteredSchema.parse(await registered.json());
  const call = (path: string, body: unknown = {}) => request(`/api/nodes${path}`, post(credential, body));
  return {
    nodeId,
    credential,
    heartbeat: (next: NodeReport = report) => call("/heartbeat", next),
    /** The claimed job, or null on 204. */
    claim: async () => {
      const response = await call("/claim");
      if (response.status === 204) return null;
      if (response.status !== 200) throw new Error(`claim answered ${response.status}: ${await response.text()}`);
      return JobClaimSchema.parse(await response.json());
    },
    progress: (jobId: string, leaseId: string, progress: number, needsTranscode?: boolean) =>
      call(`/jobs/${jobId}/progress`, { leaseId, progress, ...(needsTranscode === undefined ? {} : { needsTranscode }) }),
    finish: (jobId: string, outcome: JobOutcome) => call(`/jobs/${jobId}/result`, outcome),
    release: (jobId: string, leaseId: string, needsTranscode?: boolean) => call(`/jobs/${jobId}/release`, { leaseId, ...(needsTranscode === undefined ? {} : { needsTranscode }) }),
  };
}

export type TestFleetNode = Awaited<ReturnType<typeof registerTestNode>>;

function post(bearer: string, body: unknown): RequestInit {
  return { method: "POST", headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" }, body: JSON.stringify(body) };
}
