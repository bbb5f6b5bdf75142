// Playback sessions belong to their viewer, over real HTTP against the Node worker: another
// viewer's session id gets 404 on heartbeats and events, and is not kept when passed to /stream.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";

let worker: RunningWorker;
let dataDir: string;
let videoId: string;
const tokens: Record<string, string> = {};

const api = (path: string, viewer: string, init: RequestInit = {}) =>
  fetch(`${worker.url}${path}`, { ...init, headers: { Authorization: `Bearer ${tokens[viewer]}`, "Content-Type": "application/json" } });
const sessionOf = async (viewer: string, passBack?: string) =>
  ((await (await api(`/api/videos/${videoId}/stream${passBack ? `?session=${passBack}` : ""}`, viewer)).json()) as { sessionId: string }).sessionId;

beforeAll(async () => {
  dataDir = await tempDataDir("security-sessions");
  worker = await startNodeWorker({ ...TEST_SECRETS, DEMO_MODE: "1", EDGESTREAM_DATA_DIR: dataDir, PORT: "0" });
  await worker.deps.storage.put("pkg1/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n");
  await worker.deps.storage.put("pkg1/meta.json", JSON.stringify({ version: 1, sha256: "pkg1", source: { durationSec: 4 } }));
  for (const name of ["alice", "mallory"]) {
    const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
    tokens[name] = ((await login.json()) as { token: string }).token;
  }
  const created = await api("/api/videos", "alice", { method: "POST", body: JSON.stringify({ title: "Public", storageKey: "pkg1", visibility: "public" }) });
  videoId = ((await created.json()) as { id: string }).id;
});
afterAll(async () => {
  await worker?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("playback sessions", () => {
  it("take a heartbeat from their own viewer and answer 404 to anyone else's", async () => {
    const alices = await sessionOf("alice");
    const beat = (viewer: string) => api(`/api/sessions/${alices}/heartbeat`, viewer, { method: "POST", body: JSON.stringify({ videoId, positionSec: 3 }) });
    expect((await beat("alice")).status).toBe(204);
    const stolen = await beat("mallory");
    expect(stolen.status).toBe(404);
    expect(await stolen.json()).toEqual({ error: { code: "not_found", message: "no such playback session" } });
  });

  it("refuse events that carry another viewer's session", async () => {
    const alices = await sessionOf("alice");
    const events = (viewer: string) => api("/api/events", viewer, { method: "POST", body: JSON.stringify({ events: [{ type: "play", videoId, sessionId: alices, at: 1 }] }) });
    expect((await events("mallory")).status).toBe(404);
    expect((await events("alice")).status).toBe(202);
  });

  it("are kept across /stream refreshes only by the viewer they were issued to", async () => {
    const alices = await sessionOf("alice");
    expect(await sessionOf("alice", alices)).toBe(alices);
    const mallorys = await sessionOf("mallory", alices);
    expect(mallorys).not.toBe(alices);
    expect((await api(`/api/sessions/${mallorys}/heartbeat`, "mallory", { method: "POST", body: JSON.stringify({ videoId }) })).status).toBe(204);
  });
});
