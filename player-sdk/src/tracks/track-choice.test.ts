import { describe, expect, it } from "vitest";
import { matchTrack, pickAudio, pickSubtitle } from "./track-choice.ts";
import type { AudioTrackInfo, SubtitleTrackInfo } from "./track-info.ts";

const audio = (id: number, language: string, name: string, isDefault = false): AudioTrackInfo => ({ id, language, name, default: isDefault, role: "main", channels: 2 });
const subs = (id: number, language: string, name: string, isDefault = false): SubtitleTrackInfo => ({ id, language, name, default: isDefault, forced: false, role: "main" });

const AUDIO = [audio(0, "en", "English", true), audio(1, "fr", "Français"), audio(2, "fr", "Français 5.1"), audio(3, "en", "English commentary")];
const SUBS = [subs(0, "en", "English"), subs(1, "de", "Deutsch", true)];

describe("a remembered track in another package", () => {
  it("is the track of the same language and name, wherever it sits in the list", () => {
    expect(pickAudio(AUDIO, { audio: { language: "fr", name: "Français 5.1" } })).toBe(2);
    expect(pickAudio([...AUDIO].reverse().map((t, id) => ({ ...t, id })), { audio: { language: "fr", name: "Français 5.1" } })).toBe(1);
  });

  it("is a track of the same language when the name differs: the default one of that language first", () => {
    expect(pickAudio(AUDIO, { audio: { language: "fr", name: "French" } })).toBe(1);
    expect(pickAudio(AUDIO, { audio: { language: "en", name: "Anglais" } })).toBe(0);
    expect(matchTrack(AUDIO, { language: "FR-ca", name: "" })?.id).toBe(1);
  });

  it("falls back to the default audio when the language is not in the package (the first track when none is default)", () => {
    expect(pickAudio(AUDIO, { audio: { language: "ja", name: "日本語" } })).toBe(0);
    expect(pickAudio([audio(0, "en", "a"), audio(1, "fr", "b")], { audio: { language: "ja", name: "c" } })).toBe(0);
    expect(pickAudio([audio(0, "en", "a"), audio(1, "fr", "b", true)], { audio: { language: "ja", name: "c" } })).toBe(1);
  });

  it("turns subtitles off when they were turned off, and shows the default subtitles when the remembered language is missing", () => {
    expect(pickSubtitle(SUBS, { subtitles: "off" })).toBe(-1);
    expect(pickSubtitle(SUBS, { subtitles: { language: "en", name: "English" } })).toBe(0);
    expect(pickSubtitle(SUBS, { subtitles: { language: "es", name: "Español" } })).toBe(1);
    expect(pickSubtitle([subs(0, "en", "English")], { subtitles: { language: "es", name: "Español" } })).toBe(-1);
  });

  it("changes nothing when the viewer never chose (the package's defaults play)", () => {
    expect(pickAudio(AUDIO, {})).toBeUndefined();
    expect(pickSubtitle(SUBS, { audio: { language: "fr", name: "Français" } })).toBeUndefined();
    expect(pickAudio([], { audio: { language: "fr", name: "Français" } })).toBeUndefined();
  });
});
