import { beforeEach, describe, expect, it } from "vitest";
import { loadChoice, pageStorage, saveChoice, viewerOf } from "./track-memory.ts";

const jwt = (payload: object) => `eyJhbGciOiJIUzI1NiJ9.${btoa(JSON.stringify(payload)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}.sig`;

beforeEach(() => localStorage.clear());

describe("the remembered track choice", () => {
  it("names the viewer by the sub of their JWT (base64url, unpadded), and nobody for anything else", () => {
    expect(viewerOf(jwt({ sub: "demo:ann", x: "ü??>" }))).toBe("demo:ann");
    expect(viewerOf(jwt({ name: "no sub" }))).toBe("");
    expect(viewerOf("not a jwt")).toBe("");
  });

  it("is kept per viewer", () => {
    const storage = pageStorage();
    saveChoice(storage, "demo:ann", { audio: { language: "fr", name: "Français" }, subtitles: "off" });
    saveChoice(storage, "demo:bob", { subtitles: { language: "de", name: "Deutsch" } });
    expect(loadChoice(storage, "demo:ann")).toEqual({ audio: { language: "fr", name: "Français" }, subtitles: "off" });
    expect(loadChoice(storage, "demo:bob")).toEqual({ subtitles: { language: "de", name: "Deutsch" } });
    expect(loadChoice(storage, "demo:cy")).toEqual({});
  });

  it("reads what is not a choice as no choice, and works without storage", () => {
    localStorage.setItem("edgestream:tracks:demo:ann", "{not json");
    localStorage.setItem("edgestream:tracks:demo:bob", JSON.stringify({ audio: { language: 3 }, subtitles: "on", extra: 1 }));
    expect(loadChoice(localStorage, "demo:ann")).toEqual({});
    expect(loadChoice(localStorage, "demo:bob")).toEqual({});
    saveChoice(null, "demo:ann", { subtitles: "off" });
    expect(loadChoice(null, "demo:ann")).toEqual({});
  });
});
