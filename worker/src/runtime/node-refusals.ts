// Requests refused before the app sees them get the app's JSON error, CORS, nosniff and no-store
// instead of a bare "400 Bad Request": what Node's HTTP parser refuses (a raw non-ASCII byte,
// oversized headers, a request that never finishes arriving) and what @hono/node-server cannot
// turn into a Request (a raw backslash in the path, a bad Host header).
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { RequestError } from "@hono/node-server";
import { HttpError, JSON_CONTENT_TYPE } from "../errors.ts";
import { SECURITY_HEADERS } from "../http/security-headers.ts";

const REASONS: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large", 500: "Internal Server Error" };

const NOT_HTTP = "the request is not valid HTTP: percent-encode anything in the path that is not plain ASCII (backslashes, spaces, non-ASCII bytes)";

/** The answer for a Node parser error code. */
export function parserRefusal(code: string | undefined): HttpError {
  if (code === "HPE_HEADER_OVERFLOW") return new HttpError(431, "headers_too_large", "the request line or headers are too large");
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return new HttpError(408, "request_timeout", "the request did not arrive in time");
  return new HttpError(400, "bad_request", NOT_HTTP);
}

/**
 * The headers of a refusal. The request was not parsed, so there is no Origin to match against
 * CORS_ORIGINS: only a "*" configuration can answer with CORS.
 */
function refusalHeaders(corsOrigins: string): Record<string, string> {
  const anyOrigin = corsOrigins.split(",").some((o) => o.trim() === "*");
  return { "Content-Type": JSON_CONTENT_TYPE, "Cache-Control": "no-store", ...SECURITY_HEADERS, ...(anyOrigin ? { "Access-Control-Allow-Origin": "*" } : {}) };
}

/** Answers Node's `clientError`s (the parser refused the bytes) on the raw socket, then closes it. */
export function answerClientErrors(server: Pick<Server, "on">, corsOrigins: string): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (error.code === "ECONNRESET" || !socket.writable || answering) return void socket.destroy();
    const answer = parserRefusal(error.code);
    const body = Buffer.from(answer.body);
    const headers = { ...refusalHeaders(corsOrigins), "Content-Length": String(body.length), Connection: "close" };
    const head = [`HTTP/1.1 ${answer.status} ${REASONS[answer.status]}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join("\r\n");
    socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]));
  });
}

/** The node-server `errorHandler`: a request it could not build is a 400; anything else (never expected) a 500. */
export function requestErrorAnswer(corsOrigins: string) {
  return (error: unknown): Response => {
    const answer = error instanceof RequestError ? new HttpError(400, "bad_request", NOT_HTTP) : new HttpError(500, "internal", "something went wrong on our side; try again");
    return new Response(answer.body, { status: answer.status, headers: refusalHeaders(corsOrigins) });
  };
}
