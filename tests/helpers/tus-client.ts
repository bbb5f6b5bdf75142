// The real tus client (tus-js-client) as the tests drive it: chunked, retrying as browsers do, and
// optionally through a cutting proxy, reading the server's offset (past the proxy) at the moment
// the client asks for it to resume.
import { Upload } from "tus-js-client";
import type { CuttingProxy } from "./cutting-proxy.ts";

export interface TusUploadOptions {
  /** The worker's origin (the endpoint is its /api/uploads/tus). */
  url: string;
  token: string;
  data: Uint8Array;
  chunkSize: number;
  metadata: Record<string, string>;
  /** Send through this proxy; its cut makes the client resume. */
  proxy?: CuttingProxy;
}

export interface TusUploadResult {
  /** The upload URL, as the worker (not the proxy) answers it; its last segment is the video id. */
  uploadUrl: string;
  id: string;
  /** Upload-Offset the server reported when the client asked to resume (null when it never had to). */
  offsetAtResume: number | null;
}

export function tusUpload(options: TusUploadOptions): Promise<TusUploadResult> {
  const { proxy, url, token } = options;
  const direct = (uploadUrl: string) => (proxy ? uploadUrl.replace(proxy.url, url) : uploadUrl);
  let offsetAtResume: number | null = null;
  return new Promise<string>((resolve, reject) => {
    const upload: Upload = new Upload(Buffer.from(options.data.buffer, options.data.byteOffset, options.data.byteLength), {
      endpoint: `${proxy?.url ?? url}/api/uploads/tus`,
      chunkSize: options.chunkSize,
      retryDelays: [0, 100, 500, 1000],
      headers: { Authorization: `Bearer ${token}` },
      metadata: options.metadata,
      // The client asks for the offset (HEAD) only to resume: read it first, once the cut is done.
      onBeforeRequest: async (request) => {
        if (!proxy || offsetAtResume !== null || request.getMethod() !== "HEAD") return;
        await proxy.cut;
        const head = await fetch(direct(upload.url!), { method: "HEAD", headers: { Authorization: `Bearer ${token}`, "Tus-Resumable": "1.0.0" } });
        offsetAtResume = Number(head.headers.get("Upload-Offset"));
      },
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
    upload.start();
  }).then((uploadUrl) => ({ uploadUrl: direct(uploadUrl), id: uploadUrl.slice(uploadUrl.lastIndexOf("/") + 1), offsetAtResume }));
}
