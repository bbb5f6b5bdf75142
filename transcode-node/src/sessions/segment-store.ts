// Persistence of a session's output: finished segments copied to storage under the source's content
// address as they come (one at a time, in order of finishing), segments an earlier session stored
// adopted as finished work, and once all are there the playlists and meta.json, master last, so the
// video is a regular package.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { INIT_SEGMENT, MASTER_PLAYLIST, MEDIA_PLAYLIST, META_FILE, parseSegmentName, segmentName, type PackageMeta, type StorageDriver } from "@edgestream/contracts";
import { INIT_INDEX } from "./scheduler.ts";
import type { SessionProfile } from "./session.ts";

/** A session's file for segment `index` (or the init segment, -1). */
export function sessionFileName(index: number): string {
  return index === INIT_INDEX ? INIT_SEGMENT : segmentName(index);
}

export interface SegmentStoreInit {
  sessionId: string;
  storage: StorageDriver;
  workDir: string;
  profile: SessionProfile;
  /** Media segments; with the init segment, `segments + 1` files make the package (asked each time:
   *  a copy-mode session learns its count when the remux is done). */
  segments: () => number;
  /** False once the session stopped: nothing more is stored. */
  storing: () => boolean;
  /** Called once, when every file is stored and the session still runs. */
  onAllStored: (prefix: string) => Promise<void>;
}

export class SegmentStore {
  readonly stored = new Set<number>();
  private prefixValue: string | undefined;
  private persisting: Promise<void> = Promise.resolve();

  constructor(private readonly init: SegmentStoreInit) {}

  /** The content address, once known. */
  get prefix(): string | undefined {
    return this.prefixValue;
  }

  keyOf(index: number): string {
    return `${this.prefixValue}/${this.init.profile.name}/${sessionFileName(index)}`;
  }

  /** Learns the content address and which segments an earlier session already stored (never encoded again). */
  async adopt(prefix: string): Promise<void> {
    this.prefixValue = prefix;
    const keys = await this.init.storage.list(`${prefix}/${this.init.profile.name}`).catch(() => [] as string[]);
    for (const key of keys) {
      const name = key.slice(key.lastIndexOf("/") + 1);
      const index = name === INIT_SEGMENT ? INIT_INDEX : parseSegmentName(name);
      if (index !== undefined) this.stored.add(index);
    }
  }

  /** Queues a finished segment's copy to storage (nothing before the content address is known). */
  persist(index: number): void {
    if (!this.prefixValue || this.stored.has(index)) return;
    const prefix = this.prefixValue;
    this.persisting = this.persisting.then(async () => {
      if (this.stored.has(index) || !this.init.storing()) return;
      const path = join(this.init.workDir, sessionFileName(index));
      if (!(await stat(path).catch(() => null))) return;
      await this.init.storage.put(this.keyOf(index), await readFile(path));
      this.stored.add(index);
      await this.completeIfAll(prefix);
    });
    this.persisting.catch((error: Error) => console.warn(`session ${this.init.sessionId}: storing segment ${index} failed: ${error.message}`));
  }

  /** Looks again whether every file is stored (the count may have become known after the last copy). */
  recheck(): void {
    const prefix = this.prefixValue;
    if (prefix) this.persisting = this.persisting.then(() => this.completeIfAll(prefix));
  }

  private completed = false;

  private async completeIfAll(prefix: string): Promise<void> {
    if (this.completed || this.stored.size !== this.init.segments() + 1) return;
    this.completed = true;
    await this.init.onAllStored(prefix);
  }

  /** Resolves when every queued copy is done (or failed). */
  settled(): Promise<void> {
    return this.persisting.catch(() => {});
  }
}

export interface SessionPackageFiles {
  storage: StorageDriver;
  prefix: string;
  profile: SessionProfile;
  /** Complete under the contracts schema (buildSessionMeta). */
  meta: PackageMeta;
  mediaPlaylist: string;
  masterPlaylist: string;
}

/**
 * Writes the playlists and meta.json of a fully stored session, master last. False when a packaging
 * job already published this source: its ladder stands, the session's rendition stays beside it.
 */
export async function publishSessionPackage(p: SessionPackageFiles): Promise<boolean> {
  const { storage, prefix, profile } = p;
  await storage.put(`${prefix}/${profile.name}/${MEDIA_PLAYLIST}`, p.mediaPlaylist);
  if (await storage.head(`${prefix}/${MASTER_PLAYLIST}`)) return false;
  await storage.put(`${prefix}/${META_FILE}`, JSON.stringify(p.meta, null, 2));
  await storage.put(`${prefix}/${MASTER_PLAYLIST}`, p.masterPlaylist);
  return true;
}
