// On-demand sessions for real: ffmpeg encoding generated sources through the node's HTTP API.
// Timeouts come from configuration (1 s inactivity), never from sleeping for minutes.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parsePackageMeta, segmentName } from "@edgestream/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffprobeJson, videoPackets } from "../../../tests/helpers/media.ts";
import { IDLE_HASH_COMMANDS, sha256File } from "../hash.ts";
import { startNodeServer } from "../server.ts";
import { PLAYLIST_MESSAGE } from "../input-policy.ts";
import { generateTestPattern } from "../test-pattern.ts";
import { hostileSource } from "../testing/hostile.ts";
import { generateZoo } from "../testing/zoo.ts";
import { alive, bytesRead, childPids, commandOf } from "../testing/processes.ts";

const SECRET = "s".repeat(40);
const AUTH = { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" };
const FPS = 25;
let dir: string;
let long: string; // 60 s
let short: string; // 6 s

type Node = Awaited<ReturnType<typeof startNodeServer>>;

function nodeEnv(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return { NODE_SECRET: SECRET, PORT: "0", STORAGE_DIR: join(dir, name, "storage"), WORK_DIR: join(dir, name, "work"), SOURCE_DIR: dir, HWACCEL: "software", SESSION_PROFILE: "144", SESSION_COPY: "false", ...extra }; // these tests drive the encoder scheduler: copy mode is copy-session.test.ts
}

async function startSession(node: { url: string }, source: string, lease: string) {
  const response = await fetch(`${node.url}/v1/sessions`, { method: "POST", headers: AUTH, body: JSON.stringify({ source: { path: source }, lease }) });
  return { status: response.status, body: (await response.json()) as { id: string; segments: number; error?: { code: string; message: string } }, headers: response.headers };
}

async function rendition(node: { url: string }, id: string): Promise<string> {
  const master = await (await fetch(`${node.url}/v1/sessions/${id}/master.m3u8`, { headers: AUTH })).text();
  return master.split("\n").find((l) => l.endsWith("/index.m3u8"))!.replace("/index.m3u8", "");
}

async function fetchFile(node: { url: string }, id: string, name: string, file: string, lease = "viewer-1") {
  const response = await fetch(`${node.url}/v1/sessions/${id}/${name}/${file}?lease=${lease}`, { headers: AUTH });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

const seg = (i: number) => segmentName(i);

/** First video packet time and keyframe flag of a segment, read with its init segment. */
async function firstFrame(init: Buffer, segment: Buffer): Promise<{ pts: number; key: boolean }> {
  const path = join(dir, `probe-${Math.random()}.mp4`);
  await writeFile(path, Buffer.concat([init, segment]));
  const packets = await videoPackets(path);
  await rm(path);
  const first = packets.reduce((a, b) => (b.ptsTime < a.ptsTime ? b : a));
  return { pts: first.ptsTime, key: packets[0]!.key };
}

async function until<T>(probe: () => Promise<T | undefined>, attempts = 100, everyMs = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error("condition not reached");
}

/** A process's state letter from /proc (`T`: stopped, i.e. a parked encoder); "gone" once it exited. */
const processState = (pid: number) =>
  readFile(`/proc/${pid}/stat`, "utf8").then(
    (s) => s.slice(s.lastIndexOf(")") + 2, s.lastIndexOf(")") + 3),
    () => "gone",
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-sessions-"));
  long = join(dir, "long.mp4");
  short = join(dir, "short.mp4");
  await generateTestPattern(long, { seconds: 60, width: 160, height: 90, fps: FPS });
  await generateTestPattern(short, { seconds: 6, width: 160, height: 90, fps: FPS });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("sessions on one node", () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNodeServer(nodeEnv("main"));
  });
  afterAll(() => node?.close());

  it("serves the first segment of a cold session, starting on a keyframe at 0", async () => {
    const { status, body } = await startSession(node, long, "viewer-1");
    expect(status).toBe(201);
    expect(body.segments).toBe(15);
    const name = await rendition(node, body.id);
    const playlist = await (await fetch(`${node.url}/v1/sessions/${body.id}/${name}/index.m3u8`, { headers: AUTH })).text();
    expect(playlist.match(/#EXTINF/g)).toHaveLength(15); // the whole timeline, before any segment exists
    const init = await fetchFile(node, body.id, name, "init.mp4");
    const first = await fetchFile(node, body.id, name, seg(0));
    expect([init.status, first.status]).toEqual([200, 200]);
    expect(await firstFrame(init.bytes, first.bytes)).toEqual({ pts: 0, key: true });
  });

  it("serves a seek to 80 % from a restarted encoder, on the same grid as an uninterrupted run", async () => {
    const { body } = await startSession(node, long, "viewer-1");
    const name = await rendition(node, body.id);
    const pidsBefore = ((await (await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { encoderPids: number[] }).encoderPids;
    const far = Math.floor(body.segments * 0.8); // 12: 48 s
    const init = await fetchFile(node, body.id, name, "init.mp4");
    const segment = await fetchFile(node, body.id, name, seg(far));
    expect(segment.status).toBe(200);
    const state = (await (await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { encoderPids: number[] };
    expect(state.encoderPids.some((pid) => !pidsBefore.includes(pid))).toBe(true); // a run started at the seek point
    const frame = await firstFrame(init.bytes, segment.bytes);
    expect(frame.key).toBe(true);
    expect(Math.abs(frame.pts - far * 4)).toBeLessThanOrEqual(1 / FPS);
    const next = await fetchFile(node, body.id, name, seg(far + 1));
    expect(Math.abs((await firstFrame(init.bytes, next.bytes)).pts - (far + 1) * 4)).toBeLessThanOrEqual(1 / FPS);
  });

  it("shares one encode between two viewers of the same source", async () => {
    const a = await startSession(node, long, "viewer-a");
    const b = await startSession(node, long, "viewer-b");
    expect(b.body.id).toBe(a.body.id);
    const state = (await (await fetch(`${node.url}/v1/sessions/${a.body.id}`, { headers: AUTH })).json()) as { leases: number };
    expect(state.leases).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toMatch(/^edgestream_sessions 1$/m);
  });

  it("reports SegmentReady and ProgressUpdate on the event stream, and speed and lead on /metrics", async () => {
    const { body } = await startSession(node, long, "viewer-events");
    const response = await fetch(`${node.url}/v1/sessions/${body.id}/events`, { headers: AUTH });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!(text.includes("event: SegmentReady") && text.includes("event: ProgressUpdate"))) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    await reader.cancel();
    expect(text).toMatch(/^event: snapshot/m);
    expect(text).toMatch(/event: SegmentReady\ndata: \{"type":"SegmentReady","index":\d+\}/);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^edgestream_session_encode_speed\\{session="${body.id}"\\} [\\d.]+$`, "m"));
    expect(metrics).toMatch(new RegExp(`^edgestream_session_segments_ahead\\{session="${body.id}"\\} \\d+$`, "m"));
    expect(metrics).toMatch(/^edgestream_session_leases \d+$/m);
  });

  it("restarts an encoder that was killed, on the next request", async () => {
    // A source of its own, so this session's encoder is surely running (not parked or done).
    const own = join(dir, "long-kill.mp4");
    await copyFile(long, own);
    const { body } = await startSession(node, own, "viewer-1");
    const name = await rendition(node, body.id);
    const [encoderPid] = ((await (await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { encoderPids: number[] }).encoderPids;
    process.kill(encoderPid!, "SIGKILL");
    await until(async () => (alive(encoderPid!) ? undefined : true));
    const later = await fetchFile(node, body.id, name, seg(5));
    expect(later.status).toBe(200);
    expect(later.bytes.length).toBeGreaterThan(1000);
  });

  it("fails a source that cannot be read with a clear error", async () => {
    const text = join(dir, "notes.txt");
    await writeFile(text, "not a video");
    const { status, body } = await startSession(node, text, "viewer-1");
    expect(status).toBe(422);
    expect(body.error?.message).toMatch(/not a media file ffmpeg can read/);
  });

  it("refuses a playlist source with 422 playlist_input and the reason", async () => {
    const playlist = join(dir, "upload.m3u8");
    await writeFile(playlist, hostileSource("hls", short));
    const { status, body } = await startSession(node, playlist, "viewer-1");
    expect(status).toBe(422);
    expect(body.error).toEqual({ code: "playlist_input", message: PLAYLIST_MESSAGE });
  });

  it("keeps no copy of a storage source whose session could not start", async () => {
    await mkdir(join(dir, "main", "storage", "uploads"), { recursive: true });
    await writeFile(join(dir, "main", "storage", "uploads", "words"), "not a video either");
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${node.url}/v1/sessions`, { method: "POST", headers: AUTH, body: JSON.stringify({ source: { storageKey: "uploads/words" }, lease: "v" }) });
      expect(response.status).toBe(422);
    }
    expect((await readdir(join(dir, "main", "work"))).filter((name) => name.startsWith("source-"))).toEqual([]);
  });

  it("persists every segment, then the playlists, and reports the package's storage prefix", async () => {
    const { body } = await startSession(node, short, "viewer-1");
    const name = await rendition(node, body.id);
    for (let i = 0; i < body.segments; i++) expect((await fetchFile(node, body.id, name, seg(i))).status).toBe(200);
    const done = await until(async () => {
      const state = (await (await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { status: string; storagePrefix?: string };
      return state.status === "completed" ? state : undefined;
    });
    expect(done.storagePrefix).toBe(await sha256File(short));
    const stored = join(dir, "main", "storage", done.storagePrefix!);
    expect((await readdir(join(stored, name))).sort()).toEqual(["index.m3u8", "init.mp4", seg(0), seg(1)]);
    expect(await readFile(join(stored, "master.m3u8"), "utf8")).toContain(`${name}/index.m3u8`);
    // What was stored plays: init + the last segment read back as H.264 starting on a keyframe at 4 s.
    const storedInit = await readFile(join(stored, name, "init.mp4"));
    const storedLast = await readFile(join(stored, name, seg(1)));
    const frame = await firstFrame(storedInit, storedLast);
    expect(frame.key).toBe(true);
    expect(Math.abs(frame.pts - 4)).toBeLessThanOrEqual(1 / FPS);
    const joined = join(dir, "stored-joined.mp4");
    await writeFile(joined, Buffer.concat([storedInit, storedLast]));
    const probe = await ffprobeJson(joined).finally(() => rm(joined));
    expect(probe.streams.map((s: { codec_type: string; codec_name: string }) => `${s.codec_type}:${s.codec_name}`)).toContain("video:h264");

    const meta = parsePackageMeta(await readFile(join(stored, "meta.json"), "utf8"), "meta.json");
    expect(meta).toMatchObject({ origin: "on-demand-session", sha256: done.storagePrefix, segmentSeconds: expect.any(Number), source: { durationSec: 6 } });
    // Scrubbable like a job's package: a poster and a sprite track made from the session's rendition.
    expect(meta.thumbnails).toMatchObject({ poster: "thumbnails/poster.jpg", track: "thumbnails/thumbnails.vtt", sprites: ["thumbnails/sprite-001.jpg"], count: 2 });
    expect((await readdir(join(stored, "thumbnails"))).sort()).toEqual(["poster.jpg", "sprite-001.jpg", "thumbnails.vtt"]);
    expect(await readFile(join(stored, "thumbnails", "thumbnails.vtt"), "utf8")).toMatch(/00:00:04\.000 --> 00:00:06\.000\nsprite-001\.jpg#xywh=\d+,0,\d+,\d+/);
    expect((await ffprobeJson(join(stored, "thumbnails", "poster.jpg"))).streams[0]).toMatchObject({ codec_name: "mjpeg", width: 160, height: 90 });

    // The session wrote a complete meta.json: a job on the same bytes deduplicates onto it and reports
    // the package's real facts, not fields that were never written.
    const created = (await (await fetch(`${node.url}/v1/jobs`, { method: "POST", headers: AUTH, body: JSON.stringify({ source: { path: short } }) })).json()) as { id: string };
    const job = await until(async () => {
      const state = (await (await fetch(`${node.url}/v1/jobs/${created.id}`, { headers: AUTH })).json()) as { status: string; result?: Record<string, unknown>; error?: string };
      return state.status === "succeeded" || state.status === "failed" ? state : undefined;
    });
    expect(job).toMatchObject({ status: "succeeded", result: { storagePrefix: done.storagePrefix, deduplicated: true, durationMs: 6000, backend: "software" } });
    expect(job.result!["renditions"]).toEqual([
      { name, kind: "video", playlist: `${name}/index.m3u8`, width: 160, height: 90, bandwidth: expect.any(Number), averageBandwidth: expect.any(Number), codecs: expect.stringMatching(/^avc1\./) },
    ]);
  });
});

describe("an HDR source through a session", () => {
  it("tone-maps HEVC 10-bit HDR10 to 8-bit SDR BT.709 H.264, as a packaging job does", async () => {
    const { hevcHdr } = await generateZoo(dir, ["hevcHdr"]);
    const node = await startNodeServer(nodeEnv("hdr"));
    try {
      const { status, body } = await startSession(node, hevcHdr, "viewer-hdr");
      expect(status).toBe(201);
      const name = await rendition(node, body.id);
      const init = await fetchFile(node, body.id, name, "init.mp4", "viewer-hdr");
      const first = await fetchFile(node, body.id, name, seg(0), "viewer-hdr");
      expect([init.status, first.status]).toEqual([200, 200]);
      const path = join(dir, "hdr-session-0.mp4");
      await writeFile(path, Buffer.concat([init.bytes, first.bytes]));
      const video = ((await ffprobeJson(path)).streams as Record<string, unknown>[]).find((s) => s.codec_type === "video");
      expect(video).toMatchObject({ codec_name: "h264", pix_fmt: "yuv420p", color_transfer: "bt709", color_primaries: "bt709", color_space: "bt709" });
    } finally {
      await node.close();
    }
  });
});

describe("session lifecycle", () => {
  it("stops hashing its source when it stops: no hashing child and no reads a second later", async () => {
    // A real 6 s clip (index first) followed by 4 GiB of sparse zeros: it plays, and hashing it takes long.
    const big = join(dir, "big.mp4");
    await generateTestPattern(big, { seconds: 6, width: 160, height: 90, fps: FPS });
    await truncate(big, 4 * 1024 ** 3);
    const node = await startNodeServer(nodeEnv("hashing"));
    try {
      await node.hardware.snapshot(); // encoder detection over: its test encodes are not the children looked for
      const { body } = await startSession(node, big, "viewer-1");
      const hashing = async () => {
        const names = await Promise.all((await childPids()).map(commandOf));
        return names.filter((n) => IDLE_HASH_COMMANDS.has(n ?? ""));
      };
      await until(async () => ((await hashing()).length > 0 ? true : undefined), 300, 50); // hashing begins after the first segment
      expect((await fetch(`${node.url}/v1/sessions/${body.id}?lease=viewer-1`, { method: "DELETE", headers: AUTH })).status).toBe(204);
      expect(await hashing()).toEqual([]);
      const after = await bytesRead();
      await new Promise((r) => setTimeout(r, 1000)); // "a second later": an unstopped hash reads hundreds of MB in it
      expect((await bytesRead()) - after).toBeLessThan(1024 * 1024);
    } finally {
      await node.close();
    }
  });

  it("stops ffmpeg and removes the work directory when the last lease lapses (1 s inactivity)", async () => {
    const node = await startNodeServer(nodeEnv("lapse", { SESSION_INACTIVITY_SECONDS: "1" }));
    try {
      const { body } = await startSession(node, long, "viewer-1");
      const [encoderPid] = ((await (await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { encoderPids: number[] }).encoderPids as [number];
      const work = join(dir, "lapse", "work", `session-${body.id}`);
      expect(existsSync(work)).toBe(true);
      await until(async () => ((await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).status === 404 ? true : undefined), 50, 100);
      // Stopping is `q`, a grace period, then SIGKILL: wait for it to finish, bounded.
      await until(async () => (!alive(encoderPid) && !existsSync(work) ? true : undefined), 100, 100);
    } finally {
      await node.close();
    }
  });

  it("parks the encoder once it is far enough ahead of the viewer, and wakes it for a later segment", async () => {
    const node = await startNodeServer(nodeEnv("ahead", { SESSION_AHEAD_SEGMENTS: "2" }));
    try {
      const { body } = await startSession(node, long, "viewer-1");
      const name = await rendition(node, body.id);
      expect((await fetchFile(node, body.id, name, seg(0))).status).toBe(200);
      const [encoderPid] = ((await (await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { encoderPids: number[] }).encoderPids as [number];
      await until(async () => ((await processState(encoderPid)) === "T" ? true : undefined)); // stopped (SIGSTOP)
      const parked = (await (await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { progress: number; encoderPids: number[] };
      expect(parked.encoderPids).toEqual([encoderPid]);
      expect(parked.progress * 15).toBeLessThanOrEqual(4); // segment 0 plus at most a few ahead, not all 15
      expect((await fetchFile(node, body.id, name, seg(3))).status).toBe(200);
      // Woken up: it goes on to 2 segments past the new request (segment 5), then parks again.
      await until(async () => {
        const s = (await (await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { progress: number };
        return Math.round(s.progress * 15) >= 6 ? true : undefined;
      });
    } finally {
      await node.close();
    }
  });

  it("serves two viewers far apart with two encoder runs, without killing either on each request", async () => {
    // Two segments ahead at most, so each run parks beside its viewer instead of racing to the end.
    // Parking is a SIGSTOP sent once the node sees a segment, so a run may stop a segment or more
    // past its mark on a busy machine: the test waits for each park (process state) instead of
    // assuming it, and a 120 s source (30 segments) keeps the far run parked well before the end of
    // the video, where it would exit on its own (what made this test flaky with a 60 s source).
    const longer = join(dir, "longer.mp4");
    await generateTestPattern(longer, { seconds: 120, width: 160, height: 90, fps: FPS });
    const node = await startNodeServer(nodeEnv("two-runs", { SESSION_AHEAD_SEGMENTS: "2" }));
    try {
      const { body } = await startSession(node, longer, "near");
      await startSession(node, longer, "far");
      const name = await rendition(node, body.id);
      const state = async () => (await (await fetch(`${node.url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { encoderPids: number[]; progress: number };
      const parked = (pids: number[]) => until(async () => ((await Promise.all(pids.map(processState))).every((s) => s === "T") ? true : undefined), 300);
      expect((await fetchFile(node, body.id, name, seg(1), "near")).status).toBe(200);
      const [nearPid] = (await state()).encoderPids as [number];
      await parked([nearPid]);
      const FAR = 15;
      // Finished: init + segments 0..n. The near run stopped far enough short of FAR (more than
      // SESSION_RESTART_SEGMENTS, 3) that the far viewer's request needs a run of its own.
      expect(Math.round((await state()).progress * body.segments)).toBeLessThan(FAR - 4);
      expect((await fetchFile(node, body.id, name, seg(FAR), "far")).status).toBe(200);
      const both = (await state()).encoderPids;
      expect(both).toHaveLength(2);
      expect(both[0]).toBe(nearPid);
      for (let i = 1; i <= 2; i++) {
        expect((await fetchFile(node, body.id, name, seg(1 + i), "near")).status).toBe(200);
        expect((await fetchFile(node, body.id, name, seg(FAR + i), "far")).status).toBe(200);
      }
      // Both runs park again beside their viewers (near by segment 5, far by 19 of 30), and they
      // are the same two processes: no request killed the other viewer's encoder.
      await parked(both);
      expect((await state()).encoderPids).toEqual(both);
    } finally {
      await node.close();
    }
  });

  it("answers 503 with Retry-After over SESSION_MAX", async () => {
    const node = await startNodeServer(nodeEnv("cap", { SESSION_MAX: "1" }));
    try {
      expect((await startSession(node, long, "viewer-1")).status).toBe(201);
      const over = await startSession(node, short, "viewer-2");
      expect(over.status).toBe(503);
      expect(over.headers.get("retry-after")).toBe("10");
      expect(over.body.error).toEqual({ code: "at_capacity", message: expect.stringMatching(/already runs 1 sessions \(SESSION_MAX\)/) });
    } finally {
      await node.close();
    }
  });

  it("leaves no ffmpeg process behind when the node gets SIGTERM", async () => {
    const server = fileURLToPath(new URL("../server.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", server], { env: { ...process.env, ...nodeEnv("sigterm") }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d) => {
        stderr += d;
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.once("exit", () => reject(new Error(`node exited: ${stderr}`)));
    });
    const { body } = await startSession({ url }, long, "viewer-1");
    const [encoderPid] = ((await (await fetch(`${url}/v1/sessions/${body.id}`, { headers: AUTH })).json()) as { encoderPids: number[] }).encoderPids as [number];
    expect(alive(encoderPid)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(alive(encoderPid)).toBe(false);
    // No ffmpeg anywhere on the machine is working in this node's folder.
    const work = join(dir, "sigterm", "work");
    const leftovers = [];
    for (const pid of await readdir("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
      if (cmdline.startsWith("ffmpeg") && cmdline.includes(work)) leftovers.push(pid);
    }
    expect(leftovers).toEqual([]);
    expect(existsSync(join(work, `session-${body.id}`))).toBe(false);
  });
});
