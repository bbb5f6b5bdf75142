// The one interface every storage backend implements (local filesystem, R2, S3). The transcode node
// is not a driver: it writes packages through one of these.
// Keys are relative, slash-separated, never starting with "/" and never containing "..".

export type RangeRequest = { offset: number; length?: number } | { suffix: number };

export interface StoredObject {
  body: ReadableStream<Uint8Array>;
  /** Size of the whole object. */
  size: number;
  /** The bytes of `body` when a range was asked for. */
  range?: { offset: number; length: number };
  etag?: string;
}

export interface StorageDriver {
  readonly name: string;
  /** null when the key does not exist; throws RangeNotSatisfiableError for a range past the end. */
  get(key: string, options?: { range?: RangeRequest }): Promise<StoredObject | null>;
  head(key: string): Promise<{ size: number; etag?: string } | null>;
  put(key: string, body: ReadableStream<Uint8Array> | Uint8Array | string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key below the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** A file on this machine's disk holding the object, for drivers that keep one (fs): a reader may
   *  link it rather than copy it. Never written to (puts replace the file by rename). */
  localFile?(key: string): Promise<string | null>;
}

export class RangeNotSatisfiableError extends Error {
  constructor(readonly size: number) {
    super(`range not satisfiable for an object of ${size} bytes`);
    this.name = "RangeNotSatisfiableError";
  }
}

/** Resolves a range request against an object size, as every driver must. */
export function resolveRange(range: RangeRequest, size: number): { offset: number; length: number } {
  if ("suffix" in range) {
    if (range.suffix === 0 || size === 0) throw new RangeNotSatisfiableError(size);
    const length = Math.min(range.suffix, size);
    return { offset: size - length, length };
  }
  if (range.offset >= size) throw new RangeNotSatisfiableError(size);
  const length = Math.min(range.length ?? size - range.offset, size - range.offset);
  return { offset: range.offset, length };
}

// A space may sit inside a name (packages made by other tools have "seg one.ts"); a name still starts
// with a letter, digit or underscore.
const SAFE_KEY = /^[A-Za-z0-9_][A-Za-z0-9._ -]*(\/[A-Za-z0-9_][A-Za-z0-9._ -]*)*$/;
/** S3 and R2 allow 1024-byte keys; a file system allows 255-byte names. */
export const MAX_KEY_LENGTH = 1024;
const MAX_KEY_PART_LENGTH = 255;

/** A plain relative key every driver can hold: no "..", no empty parts, no names a file system refuses. */
export function isSafeKey(key: string): boolean {
  return (
    key.length <= MAX_KEY_LENGTH && SAFE_KEY.test(key) && key.split("/").every((part) => part.length <= MAX_KEY_PART_LENGTH && !part.includes(".."))
  );
}

export function assertSafeKey(key: string): void {
  if (!isSafeKey(key)) throw new Error(`unsafe storage key "${key.slice(0, 80)}"`);
}

/** The backend failed (5xx) or did not answer, after the driver's own retries: worth trying again later. */
export class StorageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StorageUnavailableError";
  }
}
