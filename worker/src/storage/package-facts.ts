// What /stream needs to know of a package, from its meta.json: whether its playlists can be served as
// stored bytes with the token in the URL path (version 3 on: every URI in them is relative), and the
// DASH manifest and progressive MP4 beside them (version 4 on). Read once per meta.json version (ETag);
// no meta, an old one, or one that does not parse means "not known": the query form and the rewriter,
// no DASH, no MP4.
import { META_FILE, PackageMetaError, parsePackageMeta, PROGRESSIVE_MP4, type StorageDriver } from "@edgestream/contracts";
import type { AppConfig } from "../config.ts";

const MAX_ENTRIES = 10_000;

export interface PackageFacts {
  relativeUris: boolean;
  /** The DASH manifest's file name below the prefix, or null when the package has none. */
  dash: string | null;
  /** The progressive MP4 (PROGRESSIVE_MP4 below the prefix), when the package has one. */
  progressive: { sizeBytes: number } | null;
}

/** Whether a package's URLs go out in the path form: relative playlists, and not nginx mode (its md5 links need the rewriter). */
export function usesPathForm(config: Pick<AppConfig, "NGINX_SECURE_LINK_SECRET">, facts: PackageFacts): boolean {
  return !config.NGINX_SECURE_LINK_SECRET && facts.relativeUris;
}

const UNKNOWN: PackageFacts = { relativeUris: false, dash: null, progressive: null };

export class PackageFactsCache {
  private known = new Map<string, PackageFacts>();

  async facts(storage: StorageDriver, prefix: string): Promise<PackageFacts> {
    const key = `${prefix}/${META_FILE}`;
    const head = await storage.head(key);
    if (!head) return UNKNOWN;
    const id = `${key}\n${head.etag ?? ""}`;
    const known = head.etag ? this.known.get(id) : undefined;
    if (known !== undefined) return known;
    const object = await storage.get(key);
    if (!object) return UNKNOWN;
    let facts: PackageFacts;
    try {
      const meta = parsePackageMeta(await new Response(object.body).text(), key);
      facts = { relativeUris: meta.relativeUris, dash: meta.dash ?? null, progressive: meta.progressive?.file === PROGRESSIVE_MP4 ? { sizeBytes: meta.progressive.sizeBytes } : null };
    } catch (error) {
      if (!(error instanceof PackageMetaError)) throw error;
      facts = UNKNOWN;
    }
    if (head.etag && object.etag === head.etag) {
      if (this.known.size >= MAX_ENTRIES) this.known.delete(this.known.keys().next().value!);
      this.known.set(id, facts);
    }
    return facts;
  }
}
