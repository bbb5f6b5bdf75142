// What an audio or subtitle track is for, and how the HLS master playlist says it: the packager
// writes `CHARACTERISTICS` from a rendition's role, players read the role back from it. Zod-free, so
// the player SDK's published types can name it.

/** From the source's dispositions: `main`, or commentary, audio description, captions for the deaf and hard of hearing. */
export const TRACK_ROLES = ["main", "commentary", "description", "hearing-impaired"] as const;
export type TrackRole = (typeof TRACK_ROLES)[number];

/**
 * The `CHARACTERISTICS` attribute of an `EXT-X-MEDIA` line for each role (Apple's accessibility UTIs;
 * commentary has none, so a reverse-DNS one of ours). `main` writes no attribute.
 */
export const HLS_CHARACTERISTICS: Record<Exclude<TrackRole, "main">, string> = {
  commentary: "com.edgestream.commentary",
  description: "public.accessibility.describes-video",
  "hearing-impaired": "public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound",
};

/** The role an `EXT-X-MEDIA` line's `CHARACTERISTICS` (a comma-separated UTI list, or none) says. */
export function roleOfCharacteristics(characteristics: string | undefined): TrackRole {
  const utis = new Set((characteristics ?? "").split(",").map((uti) => uti.trim()));
  const found = (Object.keys(HLS_CHARACTERISTICS) as Exclude<TrackRole, "main">[]).find((role) => HLS_CHARACTERISTICS[role].split(",").some((uti) => utis.has(uti)));
  return found ?? "main";
}
