// The viewer's track choice, kept in localStorage under the viewer's id (the `sub` of their JWT), so
// it follows them to the next video on this browser and another viewer of the same browser gets
// their own. Local, not on the server: the worker keeps no per-viewer preferences, and a choice of
// language is not worth a request before playback.
import type { TrackChoice, TrackPick } from "./track-choice.ts";

const KEY = "edgestream:tracks";

/** The `sub` of a JWT, read without checking it (it only picks whose choice to load); "" when unreadable. */
export function viewerOf(jwt: string): string {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sub?: unknown };
    return typeof payload.sub === "string" ? payload.sub : "";
  } catch {
    return "";
  }
}

const storageKey = (viewer: string) => (viewer ? `${KEY}:${viewer}` : KEY);
const isPick = (value: unknown): value is TrackPick =>
  typeof value === "object" && value !== null && typeof (value as TrackPick).language === "string" && typeof (value as TrackPick).name === "string";

/** The saved choice; empty when none was saved, storage is unavailable (private mode, sandboxed frames) or what is there is not a choice. */
export function loadChoice(storage: Storage | null, viewer: string): TrackChoice {
  try {
    const saved = JSON.parse(storage?.getItem(storageKey(viewer)) ?? "{}") as Record<string, unknown>;
    return {
      ...(isPick(saved["audio"]) ? { audio: pickCopy(saved["audio"]) } : {}),
      ...(saved["subtitles"] === "off" ? { subtitles: "off" as const } : isPick(saved["subtitles"]) ? { subtitles: pickCopy(saved["subtitles"]) } : {}),
    };
  } catch {
    return {};
  }
}

const pickCopy = ({ language, name }: TrackPick): TrackPick => ({ language, name });

export function saveChoice(storage: Storage | null, viewer: string, choice: TrackChoice): void {
  try {
    storage?.setItem(storageKey(viewer), JSON.stringify(choice));
  } catch {
    // full or forbidden: the choice holds for this video only
  }
}

/** The page's localStorage, or null where reading it throws (sandboxed frames, blocked cookies). */
export function pageStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
