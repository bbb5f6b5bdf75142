// JSON bodies sent as application/json or as text/plain (what sendBeacon sends). The body is
// already bounded by the body-limit middleware when it gets here.
import { HttpError } from "../errors.ts";

/** JSON from an application/json or a text/plain (sendBeacon) body; Hono caches the body, so a validator may have read it first. */
export async function readJsonOrText(request: { text(): Promise<string> }): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_input", "body: not valid JSON");
  }
}
