// A fault-injecting HTTP proxy on loopback: forwards every request unchanged (headers included, so
// S3 signatures still verify) to a target, except the ones it is told to fail with a 5xx.
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FaultProxy {
  url: string;
  /** Fails the next `count` requests (of `method`, when given) with `status`; status 0 resets the connection instead. */
  failNext(count: number, status?: number, method?: string): void;
  /** Fails every request until clear(). */
  failAll(status?: number): void;
  clear(): void;
  /** What reached the proxy, in order: "<METHOD> <status>", 5xx ones made up by the proxy. */
  readonly log: string[];
  /** What reached the proxy, in order: "<METHOD> <path>". */
  readonly requests: string[];
  close(): Promise<void>;
}

const S3_ERROR = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code><Message>injected fault</Message></Error>";

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let fault: { remaining: number; status: number; method?: string } | null = null;
  const log: string[] = [];
  const requests: string[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        log.push(`${req.method} ${answer.statusCode}`);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const hit = fault && (!fault.method || fault.method === req.method) ? fault : null;
    if (!hit) return forward(req, res);
    hit.remaining -= 1;
    if (hit.remaining === 0) fault = null;
    log.push(`${req.method} ${hit.status}`);
    if (hit.status === 0) return req.socket.destroy();
    req.resume(); // read the body, as a real server would, before answering
    req.on("end", () => res.writeHead(hit.status, { "Content-Type": "application/xml" }).end(S3_ERROR));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    requests,
    failNext: (count, status = 500, method) => {
      fault = { remaining: count, status, ...(method ? { method } : {}) };
    },
    failAll: (status = 503) => {
      fault = { remaining: Infinity, status };
    },
    clear: () => {
      fault = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
