// The worker's client for a transcode node's jobs API (transcode-node/README.md): create a job for a
// source in shared storage, and read its state. Bearer-secret auth; bounded waits, so a slow node
// never holds a viewer's request for long. Answers are parsed with the node API schemas (contracts).
import { ErrorEnvelopeSchema, JobStateSchema, NodeSessionStateSchema, type JobState, type NodeSessionState, type SessionPriority, type SessionStart } from "@edgestream/contracts";
import type { z } from "zod";

export interface TranscodeClient {
  /** Start or attach to the session for this source; `lease` is the viewer, `priority` whether a pre-warm asks. */
  startSession(request: { storageKey: string; lease: string; videoId: string; priority?: SessionPriority }): Promise<NodeSessionState>;
  getSession(id: string): Promise<NodeSessionState | null>;
  /** Renews the lease; a viewer's (the default) promotes a pre-warm session, a pre-warm's does not. */
  heartbeat(id: string, lease: string, priority?: SessionPriority): Promise<boolean>;
  /** A session file (playlist or segment), streamed; null when the node does not know it. */
  sessionFile(id: string, path: string, lease: string | undefined): Promise<Response | null>;
  createJob(request: { storageKey: string; videoId: string }): Promise<JobState>;
  /** null when the node does not know the job (jobs live in the node's memory). */
  getJob(id: string): Promise<JobState | null>;
}

export class TranscodeNodeError extends Error {
  constructor(
    message: string,
    /** The node's HTTP status, when it answered; its own message is `detail`. */
    readonly status?: number,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "TranscodeNodeError";
  }
}

export function createTranscodeClient(baseUrl: string, secret: string, timeoutMs = 5000, fetchImpl: typeof fetch = fetch): TranscodeClient {
  const base = baseUrl.replace(/\/+$/, "");
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    try {
      return await fetchImpl(`${base}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json", ...init.headers },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new TranscodeNodeError(`the transcode node at ${base} did not answer: ${(error as Error).message}`);
    }
  };
  const failed = async (what: string, response: Response): Promise<never> => {
    const body = ErrorEnvelopeSchema.safeParse(await response.json().catch(() => null));
    const detail = body.success ? body.data.error.message : undefined;
    throw new TranscodeNodeError(`${what} failed on the transcode node: HTTP ${response.status}${detail ? ` (${detail})` : ""}`, response.status, detail);
  };

  /** A node answer that does not match the API schema is the node's fault: say which call and field. */
  const parse = async <S extends z.ZodType>(schema: S, what: string, response: Response): Promise<z.output<S>> => {
    const parsed = schema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new TranscodeNodeError(`${what}: the transcode node answered an unexpected body (${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")})`, response.status);
    return parsed.data;
  };

  return {
    async createJob({ storageKey, videoId }) {
      const response = await call("/v1/jobs", { method: "POST", body: JSON.stringify({ source: { storageKey }, videoId }) });
      if (response.status !== 201) await failed("creating a job", response);
      return parse(JobStateSchema, "creating a job", response);
    },
    async startSession({ storageKey, lease, videoId, priority }) {
      const body: SessionStart = { source: { storageKey }, lease, videoId, ...(priority ? { priority } : {}) };
      const response = await call("/v1/sessions", { method: "POST", body: JSON.stringify(body) });
      if (response.status !== 201) await failed("starting a session", response);
      return parse(NodeSessionStateSchema, "starting a session", response);
    },
    async getSession(id) {
      const response = await call(`/v1/sessions/${encodeURIComponent(id)}`);
      if (response.status === 404) return null;
      if (!response.ok) await failed("reading a session", response);
      return parse(NodeSessionStateSchema, "reading a session", response);
    },
    async heartbeat(id, lease, priority) {
      const response = await call(`/v1/sessions/${encodeURIComponent(id)}/heartbeat`, { method: "POST", body: JSON.stringify({ lease, ...(priority ? { priority } : {}) }) });
      if (response.status === 404) return false;
      if (!response.ok) await failed("renewing a lease", response);
      return true;
    },
    async sessionFile(id, path, lease) {
      // Segment waits are bounded by the node (SESSION_WAIT_MS), so this call may take longer than the rest.
      const url = `${base}/v1/sessions/${encodeURIComponent(id)}/${path}${lease ? `?lease=${encodeURIComponent(lease)}` : ""}`;
      let response: Response;
      try {
        response = await fetchImpl(url, { headers: { Authorization: `Bearer ${secret}` }, signal: AbortSignal.timeout(Math.max(timeoutMs, 60_000)) });
      } catch (error) {
        throw new TranscodeNodeError(`the transcode node at ${base} did not answer: ${(error as Error).message}`);
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      return response;
    },
    async getJob(id) {
      const response = await call(`/v1/jobs/${encodeURIComponent(id)}`);
      if (response.status === 404) return null;
      if (!response.ok) await failed("reading a job", response);
      return parse(JobStateSchema, "reading a job", response);
    },
  };
}
