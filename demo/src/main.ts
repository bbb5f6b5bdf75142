// The demo page: signs in as the demo viewer, lists videos, plays one through the player SDK.
// `?play=<id>` starts a video on load (used by the browser tests and for sharing a link).
import { createPlayer, PlayerEvent, type Player } from "@edgestream/player-sdk";

interface VideoSummary {
  id: string;
  title: string;
  status: string;
  durationMs: number | null;
}

const video = document.querySelector<HTMLVideoElement>("#video")!;
const statusLine = document.querySelector<HTMLParagraphElement>("#status")!;
const list = document.querySelector<HTMLUListElement>("#videos")!;
let player: Player | null = null;

function show(text: string, isError = false): void {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", isError);
}

async function signIn(): Promise<string> {
  const response = await fetch("/api/auth/demo-login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "demo" }),
  });
  if (!response.ok) throw new Error(`demo sign-in failed (HTTP ${response.status}): is the worker running with DEMO_MODE=1?`);
  return ((await response.json()) as { token: string }).token;
}

function play(id: string, token: string): void {
  player?.destroy();
  player = createPlayer(video, { videoId: id, token, autoplay: true });
  player.on(PlayerEvent.Status, ({ status, progress }) =>
    show(progress === undefined ? status : `${status} ${Math.round(progress * 100)}%`),
  );
  player.on(PlayerEvent.Ready, ({ engine }) => show(`ready (${engine})`));
  player.on(PlayerEvent.Error, ({ details, error }) => show(`error: ${error.message} [${details}]`, true));
  document.body.dataset["playing"] = id;
}

let listTimer: ReturnType<typeof setTimeout> | undefined;

async function listVideos(token: string): Promise<void> {
  const response = await fetch("/api/videos", { headers: { Authorization: `Bearer ${token}` } });
  const { videos } = (await response.json()) as { videos: VideoSummary[] };
  // While something is being packaged, look again now and then: the list shows it become ready.
  clearTimeout(listTimer);
  if (videos.some((v) => v.status === "pending" || v.status === "generating")) listTimer = setTimeout(() => void listVideos(token), 3000);
  list.replaceChildren(
    ...videos.map((v) => {
      const item = document.createElement("li");
      const label = document.createElement("span");
      const seconds = v.durationMs ? ` · ${Math.round(v.durationMs / 1000)} s` : "";
      label.textContent = `${v.title} (${v.status}${seconds})`;
      const button = document.createElement("button");
      button.textContent = "Play";
      button.dataset["videoId"] = v.id;
      button.addEventListener("click", () => play(v.id, token));
      item.append(label, button);
      return item;
    }),
  );
  if (videos.length === 0) list.innerHTML = "<li>No videos yet.</li>";
}

/** Streams the chosen file to the worker; the transcode node packages it, and it plays at once meanwhile. */
function enableUpload(token: string): void {
  const form = document.querySelector<HTMLFormElement>("#upload")!;
  const status = document.querySelector<HTMLParagraphElement>("#upload-status")!;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = (form.elements.namedItem("file") as HTMLInputElement).files?.[0];
    if (!file) return;
    status.textContent = `uploading ${file.name}…`;
    const response = await fetch(`/api/videos?title=${encodeURIComponent(file.name)}&visibility=public`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": file.type || "application/octet-stream" },
      body: file,
    });
    const body = (await response.json()) as { id?: string; error?: { message: string } };
    await listVideos(token);
    status.textContent = response.ok ? `uploaded: press Play, it plays while it is being packaged` : `upload failed: ${body.error?.message}`;
  });
}

async function main(): Promise<void> {
  const token = await signIn();
  await listVideos(token);
  enableUpload(token);
  const requested = new URLSearchParams(location.search).get("play");
  if (requested) play(requested, token);
}

main().catch((error: Error) => show(error.message, true));
