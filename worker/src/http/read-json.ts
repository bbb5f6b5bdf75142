// JSON bodies sent as application/json or as text/plain (what sendBeacon sends), size-capped.
import { HttpError } from "../errors.ts";

const MAX_JSON_BODY_CHARS = 256 * 1024;

/** JSON from an application/json or a text/plain (sendBeacon) body; Hono caches the body, so a validator may have read it first. */
export async function readJsonOrText(request: { text(): Promise<string>; header(name: string): string | undefined }): Promise<unknown> {
  if (Number(request.header("Content-Length") ?? 0) > MAX_JSON_BODY_CHARS) throw new HttpError(413, "too_large", "the body is larger than 256 KB");
  const text = await request.text();
  if (text.length > MAX_JSON_BODY_CHARS) throw new HttpError(413, "too_large", "the body is larger than 256 KB");
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_input", "body: not valid JSON");
  }
}
