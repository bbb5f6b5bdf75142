// Whether a source's video must be transcoded (it cannot be copied into the package): the fleet's
// `needsTranscode`, decided by the claiming node because the worker cannot run ffprobe. The source
// is copied to a work folder, probed and planned exactly as the job would, then removed.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { StorageDriver } from "@edgestream/contracts";
import { demuxerFor } from "../input-policy.ts";
import { probe } from "../probe.ts";
import { planAlignedPackage } from "../rung-alignment.ts";
import { downloadSource } from "../source-download.ts";

export async function sourceNeedsTranscode(storage: StorageDriver, storageKey: string, options: { workRoot: string; probeTimeoutMs: number }): Promise<boolean> {
  await mkdir(options.workRoot, { recursive: true });
  const folder = await mkdtemp(join(options.workRoot, "probe-"));
  try {
    const input = await downloadSource(storage, storageKey, folder);
    // The plan gives a reason exactly when the top rung cannot be a copy of the source's video (the
    // aligned plan: keyframes too far apart for the lower rungs to follow make the copy a transcode).
    const info = await probe(input, { timeoutMs: options.probeTimeoutMs });
    return (await planAlignedPackage(input, info, {}, { format: demuxerFor(info.formatName) })).video?.reason !== undefined;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
