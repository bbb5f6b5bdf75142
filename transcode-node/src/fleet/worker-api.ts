// The node's client for the worker's node API (/api/nodes/*): register, heartbeat, claim, progress,
// result, release. Answers are parsed with the fleet schemas in contracts; a 409 means the lease is
// no longer ours (LeaseLostError), a 401 that the credential was replaced or removed.
import { JobClaimSchema, NodeRegisteredSchema, type JobClaim, type JobOutcome, type NodeRegister, type NodeRegistered, type NodeReport } from "@edgestream/contracts";

export class WorkerApiError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "WorkerApiError";
  }
}

export class LeaseLostError extends WorkerApiError {
  constructor(jobId: string) {
    super(`the lease on job ${jobId} is no longer this node's`, 409);
    this.name = "LeaseLostError";
  }
}

export function createWorkerApi(workerUrl: string, timeoutMs = 10_000) {
  const base = workerUrl.replace(/\/+$/, "");
  const post = async (path: string, bearer: string, body: unknown = {}): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${base}/api/nodes${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new WorkerApiError(`the worker at ${base} did not answer: ${(error as Error).message}`);
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    if (response.status === 409 && path.startsWith("/jobs/")) throw new LeaseLostError(path.split("/")[2]!);
    throw new WorkerApiError(`POST /api/nodes${path}: HTTP ${response.status} ${text.slice(0, 300)}`, response.status);
  };
  const ok = async (response: Response) => void (await response.body?.cancel());

  return {
    async register(request: NodeRegister, secret: string): Promise<NodeRegistered> {
      return NodeRegisteredSchema.parse(await (await post("/register", secret, request)).json());
    },
    heartbeat: async (credential: string, report: NodeReport) => ok(await post("/heartbeat", credential, report)),
    async claim(credential: string): Promise<JobClaim | null> {
      const response = await post("/claim", credential);
      if (response.status === 204) return null;
      return JobClaimSchema.parse(await response.json());
    },
    progress: async (credential: string, jobId: string, leaseId: string, progress: number) => ok(await post(`/jobs/${jobId}/progress`, credential, { leaseId, progress })),
    finish: async (credential: string, jobId: string, outcome: JobOutcome) => ok(await post(`/jobs/${jobId}/result`, credential, outcome)),
    release: async (credential: string, jobId: string, leaseId: string, needsTranscode?: boolean) =>
      ok(await post(`/jobs/${jobId}/release`, credential, { leaseId, ...(needsTranscode === undefined ? {} : { needsTranscode }) })),
  };
}

export type WorkerApi = ReturnType<typeof createWorkerApi>;
