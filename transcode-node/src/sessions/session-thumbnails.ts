// Poster, sprites and the WebVTT track for a package an on-demand session finished, so it is
// scrubbable like a job's package: the session's rendition (its own files, or an earlier session's
// fetched back from storage) goes through the same thumbnail pass, and the results are stored
// beside it under `thumbnails/`.
import { randomUUID } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MEDIA_PLAYLIST, THUMBNAIL_DIR, type PackageMeta, type StorageDriver } from "@edgestream/contracts";
import { makeThumbnails, thumbnailsMeta } from "../thumbnails.ts";
import { INIT_INDEX } from "./scheduler.ts";
import { sessionFileName } from "./segment-store.ts";
import type { SessionProfile } from "./session.ts";

export interface SessionThumbnailsInput {
  storage: StorageDriver;
  prefix: string;
  workDir: string;
  profile: SessionProfile;
  segments: number;
  segmentSeconds: number;
  durationSec: number;
  mediaPlaylist: string;
}

export async function makeSessionThumbnails(p: SessionThumbnailsInput): Promise<NonNullable<PackageMeta["thumbnails"]> | null> {
  const root = join(p.workDir, `thumbnails-${randomUUID()}`);
  const folder = join(root, p.profile.name);
  try {
    await mkdir(folder, { recursive: true });
    for (let index = INIT_INDEX; index < p.segments; index++) {
      const name = sessionFileName(index);
      const copied = await copyFile(join(p.workDir, name), join(folder, name)).then(
        () => true,
        () => false,
      );
      if (copied) continue;
      const object = await p.storage.get(`${p.prefix}/${p.profile.name}/${name}`);
      if (!object) throw new Error(`segment ${name} is in neither the session's folder nor storage`);
      await writeFile(join(folder, name), new Uint8Array(await new Response(object.body).arrayBuffer()));
    }
    await writeFile(join(folder, MEDIA_PLAYLIST), p.mediaPlaylist);
    const rendition = { name: p.profile.name, mode: "transcode" as const, width: p.profile.width, height: p.profile.height, maxBitrateKbps: p.profile.maxBitrateKbps };
    const result = await makeThumbnails(root, { video: { renditions: [rendition] }, segmentSeconds: p.segmentSeconds, segmentType: "fmp4" }, p.durationSec);
    if (!result) return null;
    for (const name of await readdir(join(root, THUMBNAIL_DIR))) {
      await p.storage.put(`${p.prefix}/${THUMBNAIL_DIR}/${name}`, await readFile(join(root, THUMBNAIL_DIR, name)));
    }
    return thumbnailsMeta(result);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
