// Recently served playlists, as their stored bytes, by storage key and ETag, so a popular video's
// playlists are read from storage once and not on every request: the path form serves the bytes
// as they are, the rewriter reads them as a byte string (kept beside them once made). Bounded by
// bytes held; least recently used go first.
import { bytesToByteString } from "./byte-string.ts";

export class CachedPlaylist {
  private text: string | undefined;
  constructor(readonly bytes: Uint8Array<ArrayBuffer>) {}

  /** The bytes as a byte string (one character per byte), made on first use. */
  byteString(): string {
    return (this.text ??= bytesToByteString(this.bytes));
  }
}

export class PlaylistCache {
  private entries = new Map<string, CachedPlaylist>();
  private size = 0;

  /** `maxBytes` counts each playlist twice: its bytes and, once the rewriter asked, its byte string. */
  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  get(key: string, etag: string): CachedPlaylist | undefined {
    const id = `${key}\n${etag}`;
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      this.entries.delete(id); // re-insert: Map order is our recency order
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** Keeps the bytes (when they fit) and returns them as an entry either way. */
  set(key: string, etag: string, bytes: Uint8Array<ArrayBuffer>): CachedPlaylist {
    const id = `${key}\n${etag}`;
    const known = this.entries.get(id);
    if (known) return known;
    const entry = new CachedPlaylist(bytes);
    const cost = 2 * bytes.length;
    if (cost > this.maxBytes / 4) return entry; // one huge playlist must not flush everything else
    this.entries.set(id, entry);
    this.size += cost;
    for (const [oldest, value] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.size -= 2 * value.bytes.length;
    }
    return entry;
  }
}
