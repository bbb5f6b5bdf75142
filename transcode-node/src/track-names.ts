// Language tags and display names for audio and subtitle renditions. Containers tag ISO 639-2
// ("eng", "ger", "deu"); HLS and DASH want BCP 47 ("en", "de"). Both conversions come from the
// runtime's CLDR data (Intl), not a table of our own.
import type { TrackRole } from "@edgestream/contracts";

const DISPLAY = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

/** The BCP 47 tag of a container language tag ("eng" → "en"), or undefined for none, "und" or garbage. */
export function languageTag(raw: string | undefined): string | undefined {
  if (!raw || raw === "und" || raw === "zxx" || raw === "mis" || raw === "mul") return undefined;
  try {
    return Intl.getCanonicalLocales(raw)[0];
  } catch {
    return undefined;
  }
}

/** "English" for "en"; undefined when the runtime knows no name for it. */
export function languageName(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const name = DISPLAY.of(tag);
  return name && name !== tag ? name : undefined;
}

const ROLE_SUFFIX: Partial<Record<TrackRole, string>> = {
  commentary: "commentary",
  description: "audio description",
  "hearing-impaired": "SDH",
};

export interface TrackLabel {
  title?: string;
  language?: string;
  role?: TrackRole;
  /** " (5.1)" and the like, added after the language. */
  detail?: string;
}

/** The NAME a player shows: the source's title, else "English (5.1) — commentary"; `fallback` when nothing is known. */
export function trackName(label: TrackLabel, fallback: string): string {
  const title = cleanTitle(label.title);
  const base = title ?? languageName(label.language) ?? label.language;
  if (!base) return `${fallback}${label.detail ?? ""}`;
  if (title) return `${base}${label.detail ?? ""}`;
  const suffix = label.role ? ROLE_SUFFIX[label.role] : undefined;
  return `${base}${label.detail ?? ""}${suffix ? ` — ${suffix}` : ""}`;
}

/** The longest source title kept: it is a menu label in every master, MPD and meta.json. */
const MAX_TITLE_CHARS = 64;

/** A source's title tag is a stranger's text: control characters and line separators become spaces, length capped. */
function cleanTitle(raw: string | undefined): string | undefined {
  const text = raw
    ?.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_TITLE_CHARS)
    .trim();
  return text || undefined;
}

/** Names within one HLS group must differ: a repeat gets " 2", " 3"… */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} ${count}`;
  });
}
