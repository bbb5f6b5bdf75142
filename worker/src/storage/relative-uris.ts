// Whether a package's playlists can be served as stored bytes with the token in the URL path: its
// meta.json (version 3 on) says every URI in them is relative. Read once per meta.json version (ETag);
// no meta, an old one, or one that does not parse means "not known": the query form and the rewriter.
import { META_FILE, PackageMetaError, parsePackageMeta, type StorageDriver } from "@edgestream/contracts";

const MAX_ENTRIES = 10_000;

export class RelativeUrisCache {
  private known = new Map<string, boolean>();

  async check(storage: StorageDriver, prefix: string): Promise<boolean> {
    const key = `${prefix}/${META_FILE}`;
    const head = await storage.head(key);
    if (!head) return false;
    const id = `${key}\n${head.etag ?? ""}`;
    const known = head.etag ? this.known.get(id) : undefined;
    if (known !== undefined) return known;
    const object = await storage.get(key);
    if (!object) return false;
    let relative: boolean;
    try {
      relative = parsePackageMeta(await new Response(object.body).text(), key).relativeUris;
    } catch (error) {
      if (!(error instanceof PackageMetaError)) throw error;
      relative = false;
    }
    if (head.etag && object.etag === head.etag) {
      if (this.known.size >= MAX_ENTRIES) this.known.delete(this.known.keys().next().value!);
      this.known.set(id, relative);
    }
    return relative;
  }
}
