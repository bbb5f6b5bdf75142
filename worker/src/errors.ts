// One error type for the whole app: a status, a machine-readable code and a message a person can act on.
// Rendered by the single `app.onError` in app.ts.

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }

  /** The JSON envelope every error answer carries: {error:{code,message}}. */
  get body(): string {
    return JSON.stringify({ error: { code: this.code, message: this.message } });
  }

  getResponse(): Response {
    return new Response(this.body, {
      status: this.status,
      headers: { "Content-Type": JSON_CONTENT_TYPE, ...this.headers },
    });
  }
}
