// Shaka Player (from npm) on a bare page: `?video=<id>&viewer=<name>` signs in as a demo viewer, asks
// /stream, and plays its dashUrl. Records on `window.dashLog` every error, the end of the first video
// segment as Shaka's index of the MPD has it, and the audio tracks Shaka offers.
import shaka from "shaka-player";
import { signIn } from "./record.ts";

export interface DashLog {
  dashUrl?: string;
  errors: string[];
  /** The end of the first video segment, in seconds, from the manifest Shaka parsed. */
  firstBoundary?: number;
  audioTracks: { language: string; channels: number | null; roles: string[] }[];
}

declare global {
  interface Window {
    dashLog: DashLog;
    /** The player, for tests that pick tracks through Shaka's API. */
    dashPlayer: shaka.Player;
  }
}

const params = new URLSearchParams(location.search);
const video = document.querySelector<HTMLVideoElement>("#video")!;
const log: DashLog = { errors: [], audioTracks: [] };
window.dashLog = log;
try {
  const token = await signIn(params.get("viewer") ?? "demo");
  const stream = (await (await fetch(`/api/videos/${params.get("video")}/stream`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { dashUrl?: string };
  if (!stream.dashUrl) throw new Error("/stream sent no dashUrl");
  log.dashUrl = stream.dashUrl;
  shaka.polyfill.installAll();
  const player = new shaka.Player();
  window.dashPlayer = player;
  await player.attach(video);
  player.addEventListener("error", (event) => void log.errors.push(String((event as unknown as { detail: shaka.util.Error }).detail?.code)));
  await player.load(stream.dashUrl);
  const manifest = player.getManifest();
  const variant = manifest?.variants[0];
  await variant?.video?.createSegmentIndex();
  const first = variant?.video?.segmentIndex?.get(0);
  if (first) log.firstBoundary = first.endTime;
  log.audioTracks = player.getAudioTracks().map((t) => ({ language: t.language, channels: t.channelsCount, roles: t.roles }));
  await video.play();
} catch (error) {
  log.errors.push(error instanceof Error ? error.message : String(error));
}
