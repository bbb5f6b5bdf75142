// The track controller over a player, under happy-dom: hls.js is the fake (testing/fake-hls.ts), fed
// the EXT-X-MEDIA renditions a real master lists; native tracks are lists shaped like Safari's. The
// real hls.js lists and switches tracks of a real package in tests/e2e/player-tracks.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PlayerEvent } from "../events.ts";
import { createPlayer, type Player } from "../player.ts";
import { restoreElementPage, stubElementPage } from "../testing/element-env.ts";
import { FakeHls, loadFakeHls } from "../testing/fake-hls.ts";
import { createTracks, type Tracks } from "./tracks.ts";

const jwt = (sub: string) => `eyJhbGciOiJIUzI1NiJ9.${btoa(JSON.stringify({ sub })).replace(/=+$/, "")}.sig`;
const AUDIO = [
  { lang: "en", name: "English", default: true, channels: "2" },
  { lang: "fr", name: "Français", default: false, channels: "2" },
  { lang: "fr", name: "Français 5.1", default: false, channels: "6" },
  { lang: "en", name: "English (description)", default: false, channels: "2", characteristics: "public.accessibility.describes-video" },
];
const SUBS = [
  { lang: "en", name: "English", default: false, forced: false },
  { lang: "fr", name: "Français", default: false, forced: false },
  { lang: "fr", name: "Français (forced)", default: false, forced: true },
];

let cleanup: (() => void)[];
beforeEach(() => {
  stubElementPage();
  localStorage.clear();
  cleanup = [];
});
afterEach(() => {
  for (const done of cleanup) done();
  restoreElementPage();
});

/** A player on a fresh <video> whose (fake) hls.js has parsed a master with these renditions. */
async function play(videoId: string, viewer: string, renditions = { audio: AUDIO, subs: SUBS }): Promise<{ player: Player; tracks: Tracks; hls: FakeHls }> {
  const player = createPlayer(document.createElement("video"), { apiBase: "https://api.example", videoId, token: jwt(viewer), loadHls: loadFakeHls });
  const tracks = createTracks(player);
  cleanup.push(() => (tracks.destroy(), player.destroy()));
  await new Promise((resolve) => player.once(PlayerEvent.Ready, resolve));
  const hls = FakeHls.instances.at(-1)!;
  hls.audioTracks = renditions.audio;
  hls.fire("AUDIO_TRACKS_UPDATED", { audioTracks: hls.audioTracks });
  hls.updateSubtitleTracks(renditions.subs);
  await Promise.resolve();
  return { player, tracks, hls };
}

describe("tracks through hls.js", () => {
  it("lists the audio and subtitle renditions with language, name, default, forced, role and channels", async () => {
    const { tracks } = await play("v1", "demo:ann");
    expect(tracks.audio).toEqual([
      { id: 0, language: "en", name: "English", default: true, role: "main", channels: 2 },
      { id: 1, language: "fr", name: "Français", default: false, role: "main", channels: 2 },
      { id: 2, language: "fr", name: "Français 5.1", default: false, role: "main", channels: 6 },
      { id: 3, language: "en", name: "English (description)", default: false, role: "description", channels: 2 },
    ]);
    expect(tracks.subtitles.map((t) => [t.id, t.language, t.forced])).toEqual([
      [0, "en", false],
      [1, "fr", false],
      [2, "fr", true],
    ]);
    expect([tracks.audioTrack, tracks.subtitleTrack]).toEqual([0, -1]);
  });

  it("switches audio and subtitles through hls.js, says so, and turns subtitles off", async () => {
    const { tracks, hls } = await play("v1", "demo:ann");
    const seen: [number, number][] = [];
    tracks.on("change", (t) => seen.push([t.audioTrack, t.subtitleTrack]));
    tracks.setAudioTrack(2);
    tracks.setSubtitleTrack(1);
    expect(hls.audioTrack).toBe(2);
    expect([hls.subtitleTrack, hls.subtitleDisplay]).toEqual([1, true]);
    tracks.setSubtitleTrack("off");
    expect(hls.subtitleTrack).toBe(-1);
    expect(seen).toEqual([
      [2, -1],
      [2, 1],
      [2, -1],
    ]);
    tracks.setAudioTrack(9); // no such track: nothing happens
    expect(hls.audioTrack).toBe(2);
  });

  it("plays the viewer's chosen languages in their next video, found by language and name, not by index", async () => {
    const first = await play("v1", "demo:ann");
    first.tracks.setAudioTrack(2);
    first.tracks.setSubtitleTrack(0);
    const reordered = { audio: [AUDIO[1]!, AUDIO[2]!, AUDIO[0]!], subs: [SUBS[1]!, SUBS[0]!] };
    const next = await play("v2", "demo:ann", reordered);
    expect(next.hls.calls).toEqual(expect.arrayContaining(["audioTrack=1", "subtitleTrack=1"]));
    expect([next.tracks.audio[next.tracks.audioTrack]!.name, next.tracks.subtitles[next.tracks.subtitleTrack]!.name]).toEqual(["Français 5.1", "English"]);
  });

  it("keeps each viewer's choice apart: another viewer gets the package's defaults", async () => {
    const ann = await play("v1", "demo:ann");
    ann.tracks.setAudioTrack(1);
    ann.tracks.setSubtitleTrack(1);
    const bob = await play("v1", "demo:bob");
    expect(bob.hls.calls.filter((c) => /Track=/.test(c))).toEqual([]);
    expect([bob.tracks.audioTrack, bob.tracks.subtitleTrack]).toEqual([0, -1]);
  });

  it("falls back to the defaults where the next video lacks the language, and still remembers it for the one after", async () => {
    const first = await play("v1", "demo:ann");
    first.tracks.setAudioTrack(1);
    first.tracks.setSubtitleTrack(1);
    const english = await play("v2", "demo:ann", { audio: [AUDIO[3]!, { ...AUDIO[0]!, default: true }], subs: [{ ...SUBS[0]!, default: true }] });
    expect([english.tracks.audioTrack, english.tracks.subtitleTrack]).toEqual([1, 0]);
    const french = await play("v3", "demo:ann");
    expect([french.tracks.audioTrack, french.tracks.subtitleTrack]).toEqual([1, 1]);
  });

  it("turns subtitles off in the next video when the viewer turned them off", async () => {
    const first = await play("v1", "demo:ann", { audio: AUDIO, subs: [{ ...SUBS[0]!, default: true }] });
    expect(first.tracks.subtitleTrack).toBe(0); // hls.js shows the DEFAULT=YES track
    first.tracks.setSubtitleTrack("off");
    const next = await play("v2", "demo:ann", { audio: AUDIO, subs: [{ ...SUBS[0]!, default: true }] });
    expect(next.tracks.subtitleTrack).toBe(-1);
  });

  it("stops listening to hls.js when destroyed", async () => {
    const { tracks, hls } = await play("v1", "demo:ann");
    tracks.destroy();
    expect([...hls.handlers.entries()].filter(([event, set]) => event.includes("Track") && set.size)).toEqual([]);
  });
});

describe("tracks the browser plays itself (native HLS)", () => {
  type NativeTrack = { kind: string; label: string; language: string; enabled: boolean };
  /** An AudioTrackList as Safari has it: indexable, filled as the browser reads the master (addtrack), with change events. */
  function audioTrackList() {
    const list = Object.assign(new EventTarget(), { length: 0 }) as EventTarget & { length: number } & Record<number, NativeTrack>;
    const add = (track: NativeTrack) => {
      let enabled = track.enabled;
      Object.defineProperty(track, "enabled", { get: () => enabled, set: (on: boolean) => ((enabled = on), list.dispatchEvent(new Event("change"))) });
      list[list.length++] = track;
      list.dispatchEvent(new Event("addtrack"));
    };
    return { list, add };
  }

  it("lists the element's audio tracks (as they arrive) and subtitle text tracks, and switches them", async () => {
    vi.stubGlobal("MediaSource", undefined);
    const video = document.createElement("video");
    video.canPlayType = () => "maybe";
    const { list: audio, add } = audioTrackList();
    Object.defineProperty(video, "audioTracks", { value: audio });
    const en = video.addTextTrack("subtitles", "English", "en");
    video.addTextTrack("metadata", "chapters", "en");
    const fr = video.addTextTrack("captions", "Français SDH", "fr");
    const player = createPlayer(video, { videoId: "v1", apiBase: "https://api.example", token: jwt("demo:ann") });
    const tracks = createTracks(player);
    cleanup.push(() => (tracks.destroy(), player.destroy()));
    await new Promise((resolve) => player.once(PlayerEvent.Ready, resolve));
    expect(player.engine).toBe("native");
    const changes: number[] = [];
    tracks.on("change", (t) => changes.push(t.audio.length));
    add({ kind: "main", label: "English", language: "en", enabled: true });
    add({ kind: "commentary", label: "Commentary", language: "en", enabled: false });
    expect(changes).toEqual([1, 2]);
    expect(tracks.audio.map((t) => [t.name, t.role, t.default])).toEqual([
      ["English", "main", true],
      ["Commentary", "commentary", false],
    ]);
    expect(tracks.subtitles.map((t) => [t.name, t.role])).toEqual([
      ["English", "main"],
      ["Français SDH", "hearing-impaired"],
    ]);
    tracks.setAudioTrack(1);
    expect([audio[0]!.enabled, audio[1]!.enabled]).toEqual([false, true]);
    tracks.setSubtitleTrack(1);
    expect([en.mode, fr.mode, tracks.subtitleTrack]).toEqual(["disabled", "showing", 1]);
    tracks.setSubtitleTrack("off");
    expect([fr.mode, tracks.subtitleTrack]).toEqual(["disabled", -1]);
    const seen: number[] = [];
    tracks.on("change", (t) => seen.push(t.audioTrack));
    player.destroy(); // the tracks stop listening to the element's lists with it
    audio[0]!.enabled = true;
    expect(seen).toEqual([]);
    expect(tracks.audio).toEqual([]);
  });
});
