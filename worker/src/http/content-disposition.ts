// `Content-Disposition: attachment` for a file named after a title people typed (RFC 6266): an
// ASCII `filename` for old clients and the exact name in UTF-8 as `filename*` (RFC 8187). The name
// loses what a file system or a header cannot hold and always ends in the extension we serve.

const MAX_NAME_CHARS = 120;

/** A title as a file name: no control characters, path separators or quotes; `extension` appended. */
export function downloadFilename(title: string, extension: string): string {
  const base = title
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f-\u009f"\\/:*?<>|]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "")
    .slice(0, MAX_NAME_CHARS)
    .trim();
  return `${base || "video"}${extension}`;
}

/** The header value for a file name made by downloadFilename (or any name: it is encoded either way). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
