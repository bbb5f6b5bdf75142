// The jobs service over real HTTP on loopback, real ffmpeg, the real filesystem storage driver.
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorEnvelopeSchema, JobResultSchema } from "@edgestream/contracts";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import { parseMasterPlaylist, readRendition } from "../../tests/helpers/media.ts";
import { multiTrackMkv } from "../../tests/helpers/track-media.ts";
import { HW_BACKENDS, type HwBackend } from "./hw-backends.ts";
import { startNodeServer, type RunningNode } from "./server.ts";
import { sha256File } from "./hash.ts";
import { PLAYLIST_MESSAGE } from "./input-policy.ts";
import { hostileSource } from "./testing/hostile.ts";
import { encoderTruth, type EncoderTruth } from "./testing/encoder-truth.ts";
import { generateZoo, type ZOO } from "./testing/zoo.ts";

const SECRET = "s".repeat(40);
let dir: string;
let zoo: Record<keyof typeof ZOO, string>;
let node: RunningNode;
let truth: Map<HwBackend, EncoderTruth>; // which encoders really work here (HWACCEL is auto)
const auth = { authorization: `Bearer ${SECRET}`, "content-type": "application/json" };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-node-"));
  [zoo, truth] = await Promise.all([generateZoo(dir, ["ladder", "h264", "text"]), encoderTruth()]);
  node = await startNodeServer({ NODE_SECRET: SECRET, PORT: "0", STORAGE_DIR: join(dir, "storage"), WORK_DIR: join(dir, "work"), SOURCE_DIR: dir, LADDER: "360,180", RETRY_BASE_MS: "10" });
}, 60_000);
afterAll(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (body: unknown) => fetch(`${node.url}/v1/jobs`, { method: "POST", headers: auth, body: JSON.stringify(body) });

/** Reads the SSE stream of a job to its end; returns the event names and data. */
async function events(id: string): Promise<{ event: string; data: any }[]> {
  const res = await fetch(`${node.url}/v1/jobs/${id}/events`, { headers: auth });
  expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
  const text = await res.text();
  return text.split("\n\n").filter(Boolean).map((block) => ({
    event: /^event: (.+)$/m.exec(block)?.[1] ?? "",
    data: JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? "null"),
  }));
}

describe("transcode node service", () => {
  it("shows the detected encoders on /healthz without auth, and refuses /v1 without the secret", async () => {
    const health = await (await fetch(`${node.url}/healthz`)).json();
    expect(health).toMatchObject({ status: "ok", hwaccel: "auto", storage: "fs" });
    // As detected: working exactly where the test's own one-frame encode works on this machine.
    expect(health.encoders.map((e: { backend: string; working: boolean }) => [e.backend, e.working])).toEqual(HW_BACKENDS.map((b) => [b, truth.get(b)!.works]));
    expect((await fetch(`${node.url}/v1/jobs/x`)).status).toBe(401);
    expect((await fetch(`${node.url}/v1/jobs/x`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const bad = await post({ source: { path: "relative.mp4" } });
    expect([bad.status, (await bad.json()).error.message]).toEqual([400, "source.path must be absolute"]);
    expect((await post({ source: { url: "http://x" } })).status).toBe(400);
  });

  it("answers every error, an unknown route too, as {error:{code,message}}", async () => {
    const answers = [await post({ source: { url: "http://x" } }), await fetch(`${node.url}/v1/jobs/x`), await fetch(`${node.url}/v1/nothing-here`, { headers: auth })];
    for (const response of answers) {
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(ErrorEnvelopeSchema.safeParse(await response.json()).success).toBe(true);
    }
    expect(answers.map((r) => r.status)).toEqual([400, 401, 404]);
  });

  it("packages a path source into content-addressed storage, streams progress, and dedupes a second upload", async () => {
    const res = await post({ source: { path: zoo.ladder }, videoId: "vid_1" });
    expect(res.status).toBe(201);
    const { id, status } = await res.json();
    expect(["queued", "running"]).toContain(status);
    const stream = await events(id);
    expect(stream[0]!.event).toBe("snapshot");
    expect(stream.some((e) => e.event === "progress")).toBe(true);
    expect(stream.at(-1)!.event).toBe("completed");

    const job = await (await fetch(`${node.url}/v1/jobs/${id}`, { headers: auth })).json();
    expect(job).toMatchObject({ id, status: "succeeded", progress: 1, videoId: "vid_1", result: { deduplicated: false, durationMs: 6000, backend: HW_BACKENDS.find((b) => truth.get(b)!.works) ?? "software" } });
    const { sha256, storagePrefix, renditions, thumbnails } = job.result;
    expect(storagePrefix).toBe(sha256);
    expect(renditions.map((r: { name: string; width?: number }) => [r.name, r.width])).toEqual([["360p", 640], ["180p", 320], ["audio", undefined]]);
    expect(thumbnails).toEqual({ poster: "thumbnails/poster.jpg", track: "thumbnails/thumbnails.vtt", sprites: ["thumbnails/sprite-001.jpg"] });

    // Read the package back from storage, as the worker will.
    const storage = createFsStorage(join(dir, "storage"));
    const keys = await storage.list(sha256);
    expect(keys).toContain(`${sha256}/master.m3u8`);
    expect(keys).toContain(`${sha256}/meta.json`);
    const master = parseMasterPlaylist(await readFile(join(dir, "storage", sha256, "master.m3u8"), "utf8"));
    expect(master.variants.map((v) => v.uri)).toEqual(["360p/index.m3u8", "180p/index.m3u8"]);
    const { segments } = await readRendition(join(dir, "storage", sha256, "180p"));
    expect(segments.every((s) => s.firstIsKey)).toBe(true);

    // The same bytes under another name: no work, same prefix.
    const copy = join(dir, "same-bytes.mp4");
    await writeFile(copy, await readFile(zoo.ladder));
    const again = await (await post({ source: { path: copy } })).json();
    await events(again.id);
    const second = await (await fetch(`${node.url}/v1/jobs/${again.id}`, { headers: auth })).json();
    expect(second).toMatchObject({ status: "succeeded", result: { sha256, deduplicated: true } });
    expect(await storage.list(sha256)).toEqual(keys);

    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toMatch(/edgestream_jobs_total\{status="succeeded"\} 2/);
    expect(metrics).toMatch(/edgestream_jobs_deduplicated_total 1/);
  });

  it("reports every audio language and subtitle track of a job, publishes the WebVTT files, and passes the PGS warning on", async () => {
    const source = await multiTrackMkv(dir);
    const { id } = await (await post({ source: { path: source } })).json();
    expect((await events(id)).at(-1)!.event).toBe("completed");
    const job = await (await fetch(`${node.url}/v1/jobs/${id}`, { headers: auth })).json();
    const result = JobResultSchema.parse(job.result);
    expect(result.renditions.map((r) => [r.name, r.kind, r.language, r.playlist])).toEqual([
      ["180p", "video", undefined, "180p/index.m3u8"],
      ["audio", "audio", "en", "audio/index.m3u8"],
      ["audio_1", "audio", "de", "audio_1/index.m3u8"],
      ["audio_2", "audio", "de", "audio_2/index.m3u8"],
      ["subs_0", "subtitle", "en", "subs_0/index.m3u8"],
      ["subs_1", "subtitle", "de", "subs_1/index.m3u8"],
    ]);
    expect(result.warnings).toEqual(["skipped: image-based subtitles in stream 5 (language fr, codec hdmv_pgs_subtitle): pictures cannot become WebVTT text"]);
    const keys = await createFsStorage(join(dir, "storage")).list(result.storagePrefix);
    expect(keys.filter((k) => k.includes("/subs_"))).toEqual(
      ["subs_0/index.m3u8", "subs_0/subtitles.vtt", "subs_1/index.m3u8", "subs_1/subtitles.vtt"].map((k) => `${result.storagePrefix}/${k}`),
    );
  });

  it("fails a job that would deduplicate onto a package whose meta.json is incomplete, naming it, without retries", async () => {
    const source = join(dir, "dedupe-onto-bad-meta.mp4");
    await writeFile(source, Buffer.concat([await readFile(zoo.h264), Buffer.from("another source")]));
    const sha256 = await sha256File(source);
    const storage = createFsStorage(join(dir, "storage"));
    await storage.put(`${sha256}/master.m3u8`, "#EXTM3U\n");
    // What a finished session wrote before meta.json had a schema.
    await storage.put(`${sha256}/meta.json`, JSON.stringify({ version: 2, sha256, source: { durationSec: 2 }, renditions: [{ name: "144p-live", width: 256, height: 144 }], thumbnails: null }));
    const { id } = await (await post({ source: { path: source } })).json();
    await events(id);
    const job = await (await fetch(`${node.url}/v1/jobs/${id}`, { headers: auth })).json();
    expect([job.status, job.attempts]).toEqual(["failed", 1]); // retrying cannot mend a stored package
    expect(job.error).toMatch(new RegExp(`^${sha256}/meta\\.json is not a valid package meta\\.json: .*createdAt.*backend`, "s"));
  });

  it("takes a source already in storage by key", async () => {
    const storage = createFsStorage(join(dir, "storage"));
    await storage.put("uploads/clip.mp4", new Uint8Array(await readFile(zoo.h264)));
    const { id } = await (await post({ source: { storageKey: "uploads/clip.mp4" }, segmentType: "ts" })).json();
    await events(id);
    const job = await (await fetch(`${node.url}/v1/jobs/${id}`, { headers: auth })).json();
    expect(job.status).toBe("succeeded");
    expect(await storage.list(job.result.sha256)).toContain(`${job.result.sha256}/180p/seg_00000.ts`);
  });

  it("fails a job whose input is not media with a clear error and no retry", async () => {
    const { id } = await (await post({ source: { path: zoo.text } })).json();
    const stream = await events(id);
    expect(stream.at(-1)).toMatchObject({ event: "failed", data: { error: expect.stringMatching(/^not a media file ffmpeg can read/) } });
    const job = await (await fetch(`${node.url}/v1/jobs/${id}`, { headers: auth })).json();
    expect(job).toMatchObject({ status: "failed", attempts: 1 });
    const missing = await (await post({ source: { storageKey: "uploads/nothing.mp4" } })).json();
    await events(missing.id);
    expect((await (await fetch(`${node.url}/v1/jobs/${missing.id}`, { headers: auth })).json()).error).toBe("source not found in storage: uploads/nothing.mp4");
  });

  it("fails a job whose source is a playlist with the reason, never retried", async () => {
    const playlist = join(dir, "upload.m3u8");
    await writeFile(playlist, hostileSource("dash", zoo.h264));
    const { id } = await (await post({ source: { path: playlist } })).json();
    await events(id);
    expect(await (await fetch(`${node.url}/v1/jobs/${id}`, { headers: auth })).json()).toMatchObject({ status: "failed", attempts: 1, error: PLAYLIST_MESSAGE });
  });

  it("cancels a job with DELETE, and answers 409 for a finished one, 404 for an unknown one", async () => {
    const first = await (await post({ source: { path: zoo.h264 }, ladder: [180, 90] })).json();
    const second = await (await post({ source: { path: zoo.ladder }, ladder: [240] })).json();
    const cancelled = await fetch(`${node.url}/v1/jobs/${second.id}`, { method: "DELETE", headers: auth });
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json()).status).toBe("cancelled");
    expect((await fetch(`${node.url}/v1/jobs/${second.id}`, { method: "DELETE", headers: auth })).status).toBe(409);
    expect((await fetch(`${node.url}/v1/jobs/nope`, { headers: auth })).status).toBe(404);
    await events(first.id);
  });

  it("refuses to start with a bad value and names the key", async () => {
    await expect(startNodeServer({ NODE_SECRET: "short" })).rejects.toThrow(/NODE_SECRET: must be at least 32 characters/);
    await expect(startNodeServer({ NODE_SECRET: SECRET, HWACCEL: "cuda" })).rejects.toThrow(/HWACCEL: /);
    await expect(startNodeServer({ NODE_SECRET: SECRET, LADDER: "1080p" })).rejects.toThrow(/LADDER: must list rung heights/);
  });
});

describe("what source.path may name", () => {
  let local: RunningNode;
  beforeAll(async () => {
    // No SOURCE_DIR: only the node's own storage and work folders.
    local = await startNodeServer({ NODE_SECRET: SECRET, PORT: "0", STORAGE_DIR: join(dir, "confined", "storage"), WORK_DIR: join(dir, "confined", "work"), LADDER: "90", RETRY_BASE_MS: "10" });
    await mkdir(join(dir, "confined", "storage", "uploads"), { recursive: true });
  });
  afterAll(() => local?.close());
  const postTo = (body: unknown) => fetch(`${local.url}/v1/jobs`, { method: "POST", headers: auth, body: JSON.stringify(body) });

  it("refuses a device, a FIFO and a folder with 422 before anything reads them", async () => {
    const fifo = join(dir, "confined", "storage", "uploads", "fifo");
    execFileSync("mkfifo", [fifo]);
    for (const [path, kind] of [["/dev/zero", "a device"], [fifo, "a FIFO \\(named pipe\\)"], [join(dir, "confined", "storage"), "a folder"]] as const) {
      const res = await postTo({ source: { path } });
      expect(res.status).toBe(422);
      expect((await res.json()).error).toEqual({ code: "unreadable_source", message: expect.stringMatching(new RegExp(`^source.path: the source is ${kind}, not a regular file`)) });
    }
  });

  it("reads only below its storage and work folders unless SOURCE_DIR widens it, and follows no symlink out", async () => {
    const outside = await postTo({ source: { path: zoo.h264 } });
    expect([outside.status, (await outside.json()).error.code]).toEqual([403, "forbidden"]);
    const link = join(dir, "confined", "storage", "uploads", "link.mp4");
    await symlink(zoo.h264, link);
    expect((await postTo({ source: { path: link } })).status).toBe(403);
    const inside = join(dir, "confined", "storage", "uploads", "clip.mp4");
    await copyFile(zoo.h264, inside);
    const job = await postTo({ source: { path: inside } });
    expect(job.status).toBe(201);
    await fetch(`${local.url}/v1/jobs/${(await job.json()).id}/events`, { headers: auth }).then((r) => r.text());
  });

  it("shows a job's error without the node's paths", async () => {
    // The work folder replaced by a file: the job fails with Node's own words, which name the folder.
    const work = join(dir, "confined", "work");
    await rm(work, { recursive: true, force: true });
    await writeFile(work, "not a folder");
    try {
      const { id } = await (await postTo({ source: { storageKey: "uploads/clip.mp4" } })).json();
      await fetch(`${local.url}/v1/jobs/${id}/events`, { headers: auth }).then((r) => r.text());
      const job = await (await fetch(`${local.url}/v1/jobs/${id}`, { headers: auth })).json();
      expect(job.status).toBe("failed");
      expect(job.error).toMatch(/^EEXIST: file already exists, mkdir 'work'$/);
      expect(job.error).not.toContain(dir);
    } finally {
      await rm(work, { force: true });
      await mkdir(work);
    }
  });
});
