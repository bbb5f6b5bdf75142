// Where playback starts: an explicit startPosition, else the viewer's saved position unless it is near the end.
import type { ResolvedOptions } from "./options.ts";
import { fetchProgress } from "./stream-api.ts";

/** A saved position this close to the end (seconds, or fraction of the duration) starts from 0: the viewer finished. */
const NEAR_END_SEC = 10;
const NEAR_END_FRACTION = 0.95;

export async function resumePosition(o: ResolvedOptions, token: () => Promise<string>, signal: AbortSignal): Promise<number | undefined> {
  if (o.startPosition !== undefined) return o.startPosition || undefined;
  if (!o.resume) return undefined;
  const saved = await fetchProgress(o.apiBase, o.videoId, await token(), signal).catch(() => null);
  const at = saved?.positionSec;
  const duration = saved?.durationSec;
  if (!at || (duration && (at > duration - NEAR_END_SEC || at > duration * NEAR_END_FRACTION))) return undefined;
  return at;
}
