// Playback sessions belong to their viewer, over real HTTP against the Node worker: another
// viewer's session id gets 404 on heartbeats and events, and is not kept when passed to /stream.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSecurityWorker, type SecurityWorker } from "./worker.ts";

let w: SecurityWorker;
let videoId: string;
const tokens: Record<string, string> = {};

const api = (path: string, viewer: string, init: RequestInit = {}) =>
  fetch(`${w.worker.url}${path}`, { ...init, headers: { Authorization: `Bearer ${tokens[viewer]}`, "Content-Type": "application/json" } });
const sessionOf = async (viewer: string, passBack?: string) =>
  ((await (await api(`/api/videos/${videoId}/stream${passBack ? `?session=${passBack}` : ""}`, viewer)).json()) as { sessionId: string }).sessionId;

beforeAll(async () => {
  w = await startSecurityWorker("sessions");
  for (const name of ["alice", "mallory"]) tokens[name] = await w.login(name);
  videoId = await w.seedVideo(tokens["alice"]!, "public");
});
afterAll(() => w?.close());

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
