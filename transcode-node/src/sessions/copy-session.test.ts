// A browser-safe source plays from a copy at once: the session remuxes it at its own size (whatever
// SESSION_PROFILE says), cut at the source's own keyframes, and stores it as a regular package.
// Real ffmpeg, real HTTP on loopback, the filesystem storage driver.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INIT_SEGMENT, META_FILE } from "@edgestream/contracts";
import { ffprobeJson, parseMasterPlaylist, parseMediaPlaylist } from "../../../tests/helpers/media.ts";
import { until } from "../../../tests/helpers/processes.ts";
import { defaultSecondMkv, toneOf } from "../../../tests/helpers/track-media.ts";
import { startNodeServer, type RunningNode } from "../server.ts";
import { generateTestPattern } from "../test-pattern.ts";

const SECRET = "c".repeat(40);
const AUTH = { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" };
let dir: string;
let h264: string; // 12 s, 320x180 H.264 High + AAC, a keyframe every 3 s
let mpeg4: string; // not browser-safe: encoded at the profile
let node: RunningNode;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-copy-session-"));
  h264 = join(dir, "phone.mp4");
  mpeg4 = join(dir, "old.mkv");
  await Promise.all([
    generateTestPattern(h264, { seconds: 12, width: 320, height: 180, fps: 25, videoArgs: ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "75", "-keyint_min", "75", "-sc_threshold", "0"] }),
    generateTestPattern(mpeg4, { seconds: 4, width: 320, height: 180, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "5"] }),
  ]);
  node = await startNodeServer({ NODE_SECRET: SECRET, PORT: "0", STORAGE_DIR: join(dir, "storage"), WORK_DIR: join(dir, "work"), SOURCE_DIR: dir, HWACCEL: "software", SESSION_PROFILE: "144" });
}, 60_000);
afterAll(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) => fetch(`${node.url}/v1/sessions${path}`, { ...init, headers: AUTH });
const bytes = async (path: string) => {
  const response = await api(path);
  expect(response.status, path).toBe(200);
  return Buffer.from(await response.arrayBuffer());
};

/** Sizes of the video packets of a file: a copy carries the source's packets unchanged. */
async function videoPacketSizes(path: string): Promise<number[]> {
  const probed = await ffprobeJson(path, ["-select_streams", "v:0", "-show_entries", "packet=size"]);
  return (probed.packets as { size: string }[]).map((p) => Number(p.size));
}

describe("copy-mode sessions", () => {
  it("plays an H.264/AAC upload from a remux at its own size: source packets, real durations, stored as a copy", async () => {
    const created = await (await api("", { method: "POST", body: JSON.stringify({ source: { path: h264 }, lease: "viewer" }) })).json();
    const master = parseMasterPlaylist(await (await api(`/${created.id}/master.m3u8`)).text());
    const source = (await ffprobeJson(h264)).streams.find((s: { codec_type: string }) => s.codec_type === "video");
    expect(source).toMatchObject({ codec_name: "h264", profile: "High" });
    // The source's size, not SESSION_PROFILE's 144p, and the source's own codec string.
    expect(master.variants).toHaveLength(1);
    const variant = master.variants[0]!;
    expect(variant.attrs["RESOLUTION"]).toBe("320x180");
    expect(variant.attrs["CODECS"]).toBe(`avc1.6400${source.level.toString(16).toUpperCase().padStart(2, "0")},mp4a.40.2`);

    const rendition = variant.uri.replace("/index.m3u8", "");
    const entries = parseMediaPlaylist(await (await api(`/${created.id}/${variant.uri}`)).text());
    // Cut at the first keyframe past each 4 s mark: 0-6, 6-9, 9-12 (a grid of 4 s would lie about every cut).
    expect(entries.map((e) => Math.round(e.duration))).toEqual([6, 3, 3]);

    const init = await bytes(`/${created.id}/${rendition}/${INIT_SEGMENT}?lease=viewer`);
    const segments = await Promise.all(entries.map((e) => bytes(`/${created.id}/${rendition}/${e.uri}?lease=viewer`)));
    const joined = join(dir, "joined.mp4");
    await writeFile(joined, Buffer.concat([init, ...segments]));
    const out = await ffprobeJson(joined);
    expect(out.streams.map((s: { codec_name: string }) => s.codec_name).sort()).toEqual(["aac", "h264"]);
    expect(await videoPacketSizes(joined)).toEqual(await videoPacketSizes(h264));

    // Stored as a regular package, its one rendition marked a copy, no encoder named.
    const done = await until(async () => {
      const state = await (await api(`/${created.id}`)).json();
      return state.status === "completed" ? state : undefined;
    }, "the session to complete");
    const meta = JSON.parse(await readFile(join(dir, "storage", done.storagePrefix, META_FILE), "utf8"));
    expect(meta).toMatchObject({ origin: "on-demand-session", encoder: null, renditions: [{ mode: "copy", width: 320, height: 180, segments: 3, codecs: variant.attrs["CODECS"] }] });
    const stored = parseMediaPlaylist(await readFile(join(dir, "storage", done.storagePrefix, variant.uri), "utf8"));
    expect(stored).toEqual(entries);
    await api(`/${created.id}?lease=viewer`, { method: "DELETE" });
  });

  it("encodes a source a browser cannot play at the profile's size", async () => {
    const created = await (await api("", { method: "POST", body: JSON.stringify({ source: { path: mpeg4 }, lease: "viewer" }) })).json();
    const master = parseMasterPlaylist(await (await api(`/${created.id}/master.m3u8`)).text());
    expect(master.variants.map((v) => v.attrs["RESOLUTION"])).toEqual(["256x144"]);
    await api(`/${created.id}?lease=viewer`, { method: "DELETE" });
  });

  it("carries the source's default audio language, even when it is not the file's first audio stream", async () => {
    const source = await defaultSecondMkv(dir);
    const created = await (await api("", { method: "POST", body: JSON.stringify({ source: { path: source }, lease: "viewer" }) })).json();
    const variant = parseMasterPlaylist(await (await api(`/${created.id}/master.m3u8`)).text()).variants[0]!;
    const rendition = variant.uri.replace("/index.m3u8", "");
    const entries = parseMediaPlaylist(await (await api(`/${created.id}/${variant.uri}`)).text());
    const init = await bytes(`/${created.id}/${rendition}/${INIT_SEGMENT}?lease=viewer`);
    const segments = await Promise.all(entries.map((e) => bytes(`/${created.id}/${rendition}/${e.uri}?lease=viewer`)));
    const joined = join(dir, "default-second-joined.mp4");
    await writeFile(joined, Buffer.concat([init, ...segments]));
    // English, the default, is at 440 Hz; the file's first audio stream (German) is at 880 Hz.
    expect(Math.round((await toneOf(joined)).hz / 110) * 110).toBe(440);
    await api(`/${created.id}?lease=viewer`, { method: "DELETE" });
  });
});
