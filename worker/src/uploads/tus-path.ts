// Where the tus endpoint is mounted, and the media type of its chunks: one definition for the app,
// the body-limit middleware and every tus implementation.
export const TUS_PATH = "/api/uploads/tus";
/** The Content-Type of a tus PATCH (and of a creation-with-upload POST). */
export const TUS_CHUNK_TYPE = "application/offset+octet-stream";
/** Request headers a browser's tus client sends (CORS allow list). */
export const TUS_HEADERS = ["Tus-Resumable", "Upload-Length", "Upload-Metadata", "Upload-Offset", "Upload-Defer-Length", "Upload-Concat", "X-HTTP-Method-Override", "X-Requested-With"];
/** Response headers a browser's tus client reads (CORS expose list). */
export const TUS_RESPONSE_HEADERS = ["Location", "Upload-Offset", "Upload-Length", "Upload-Metadata", "Upload-Expires", "Tus-Resumable", "Tus-Version", "Tus-Extension", "Tus-Max-Size"];
