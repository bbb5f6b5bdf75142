import { describe, expect, it } from "vitest";
import { languageName, languageTag, trackName, uniqueNames } from "./track-names.ts";

describe("track names", () => {
  it("turns container language tags into BCP 47 and names them from CLDR", () => {
    expect(["eng", "ger", "deu", "fre", "en", "pt-BR"].map(languageTag)).toEqual(["en", "de", "de", "fr", "en", "pt-BR"]);
    expect([undefined, "", "und", "zxx", "not a tag!"].map(languageTag)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(languageName("de")).toBe("German");
    expect(languageName("qaa")).toBeUndefined(); // reserved for local use: no name, the tag is shown instead
  });

  it("prefers the source's title, else language, detail and role; a fallback when nothing is known", () => {
    expect(trackName({ title: "Director's cut", language: "en", role: "commentary", detail: " (5.1)" }, "x")).toBe("Director's cut (5.1)");
    expect(trackName({ language: "en", role: "commentary" }, "x")).toBe("English — commentary");
    expect(trackName({ language: "de", detail: " (5.1)", role: "description" }, "x")).toBe("German (5.1) — audio description");
    expect(trackName({ language: "qaa" }, "x")).toBe("qaa");
    expect(trackName({}, "Audio 2")).toBe("Audio 2");
  });

  it("keeps names within a group unique", () => {
    expect(uniqueNames(["English", "English", "German", "English"])).toEqual(["English", "English 2", "German", "English 3"]);
  });
});

describe("trackName with a stranger's title tag", () => {
  it("drops control characters and line separators and caps the length", () => {
    const hostile = `Eng\u0000lish\u2028#EXT-X-ENDLIST\u0085\u001b[31m ${"x".repeat(500)}`;
    const name = trackName({ title: hostile }, "audio");
    expect(name).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(name.startsWith("Eng lish #EXT-X-ENDLIST [31m x")).toBe(true);
    expect(name.length).toBe(64);
  });

  it("falls back to the language when the title is only control characters", () => {
    expect(trackName({ title: "\u0000\n\u2028", language: "de" }, "audio")).toBe("German");
  });
});
