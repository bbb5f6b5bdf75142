// The node's errors over HTTP: `{error:{code,message}}`, the same shape the worker answers with. A
// code travels with the HTTPException as its cause; without one, the status names it.
import type { ErrorEnvelope } from "@edgestream/contracts";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const CODE_OF: Record<number, string> = { 400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 422: "unprocessable", 503: "unavailable" };

export function codedError(status: ContentfulStatusCode, code: string, message: string): HTTPException {
  return new HTTPException(status, { message, cause: { code } });
}

/** The JSON body and status for any error a route threw; a 500 says nothing of its cause. */
export function errorBody(error: Error): { status: ContentfulStatusCode; body: ErrorEnvelope } {
  if (!(error instanceof HTTPException)) return { status: 500, body: { error: { code: "internal", message: "internal error" } } };
  const status = error.status as ContentfulStatusCode;
  const code = (error.cause as { code?: string } | undefined)?.code ?? CODE_OF[status] ?? "error";
  return { status, body: { error: { code, message: error.message } } };
}
