// A request body that failed because the client went away (a browser cancelling an upload): not a
// server error, so it is answered (to nobody) as a 400 and logged as one info line, never "unhandled".
import { HttpError } from "../errors.ts";

export function clientWentAway(error: unknown, request: Request): boolean {
  if (request.signal.aborted) return true;
  // Node's IncomingMessage, when the socket closes before the body's last byte (@hono/node-server).
  return error instanceof Error && error.message === "aborted" && (error as { code?: unknown }).code === "ECONNRESET";
}

export function uploadCancelled(what: string): HttpError {
  console.info(`${what} cancelled by the client before its last byte; the partial source was removed`);
  return new HttpError(400, "upload_cancelled", "the upload ended before its last byte");
}
