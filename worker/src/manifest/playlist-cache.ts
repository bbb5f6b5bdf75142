// Recently served playlist sources, by storage key and ETag, so a popular video's playlists are read
// from storage once and not on every request. Bounded by total characters; least recently used go first.

export class PlaylistCache {
  private entries = new Map<string, string>();
  private size = 0;

  constructor(private readonly maxChars = 16 * 1024 * 1024) {}

  get(key: string, etag: string): string | undefined {
    const id = `${key}\n${etag}`;
    const text = this.entries.get(id);
    if (text !== undefined) {
      this.entries.delete(id); // re-insert: Map order is our recency order
      this.entries.set(id, text);
    }
    return text;
  }

  set(key: string, etag: string, text: string): void {
    if (text.length > this.maxChars / 4) return; // one huge playlist must not flush everything else
    const id = `${key}\n${etag}`;
    if (this.entries.has(id)) return;
    this.entries.set(id, text);
    this.size += text.length;
    for (const [oldest, value] of this.entries) {
      if (this.size <= this.maxChars) break;
      this.entries.delete(oldest);
      this.size -= value.length;
    }
  }
}
