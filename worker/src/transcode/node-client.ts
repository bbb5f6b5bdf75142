// The worker's client for a transcode node's jobs API (transcode-node/README.md): create a job for a
// source in shared storage, and read its state. Bearer-secret auth; bounded waits, so a slow node
// never holds a viewer's request for long.

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface JobResult {
  sha256: string;
  storagePrefix: string;
  durationMs: number;
  thumbnails: { poster: string; track: string; sprites: string[] } | null;
}

export interface JobState {
  id: string;
  status: JobStatus;
  /** 0..1; absent in the answer to a job just created. */
  progress?: number;
  error?: string;
  result?: JobResult;
}

export interface NodeSessionState {
  id: string;
  status: "running" | "completed" | "failed" | "stopped";
  progress: number;
  error?: string;
  storagePrefix?: string;
}

export interface TranscodeClient {
  /** Start or attach to the session for this source; `lease` is the viewer. */
  startSession(request: { storageKey: string; lease: string; videoId: string }): Promise<NodeSessionState>;
  getSession(id: string): Promise<NodeSessionState | null>;
  heartbeat(id: string, lease: string): Promise<boolean>;
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
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    const detail = body?.error?.message;
    throw new TranscodeNodeError(`${what} failed on the transcode node: HTTP ${response.status}${detail ? ` (${detail})` : ""}`, response.status, detail);
  };

  return {
    async createJob({ storageKey, videoId }) {
      const response = await call("/v1/jobs", { method: "POST", body: JSON.stringify({ source: { storageKey }, videoId }) });
      if (response.status !== 201) await failed("creating a job", response);
      return (await response.json()) as JobState;
    },
    async startSession({ storageKey, lease, videoId }) {
      const response = await call("/v1/sessions", { method: "POST", body: JSON.stringify({ source: { storageKey }, lease, videoId }) });
      if (response.status !== 201) await failed("starting a session", response);
      return (await response.json()) as NodeSessionState;
    },
    async getSession(id) {
      const response = await call(`/v1/sessions/${encodeURIComponent(id)}`);
      if (response.status === 404) return null;
      if (!response.ok) await failed("reading a session", response);
      return (await response.json()) as NodeSessionState;
    },
    async heartbeat(id, lease) {
      const response = await call(`/v1/sessions/${encodeURIComponent(id)}/heartbeat`, { method: "POST", body: JSON.stringify({ lease }) });
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
      return (await response.json()) as JobState;
    },
  };
}
