// One error type for the whole app: a status, a machine-readable code and a message a person can act on.
// Rendered by the single `app.onError` in app.ts.

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

  getResponse(): Response {
    return new Response(JSON.stringify({ error: { code: this.code, message: this.message } }), {
      status: this.status,
      headers: { "Content-Type": "application/json; charset=utf-8", ...this.headers },
    });
  }
}
