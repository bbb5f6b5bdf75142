// The demo: a small video library. Signs in as the name this browser chose (demo mode), then shows
// the library (#/), a video (#/watch/<id>, over DASH: #/watch/<id>/dash) or the transcode nodes (#/nodes). `?play=<id>` opens a video and starts it (shared
// links, the browser tests).
import { signIn } from "./api.ts";
import { showDashPlayer } from "./dash-view.ts";
import { showLibrary } from "./library-view.ts";
import { showNodes } from "./nodes-view.ts";
import { showPlayer } from "./player-view.ts";

const NAME_KEY = "edgestream-demo:name";
const main = document.querySelector<HTMLElement>("#app")!;
const form = document.querySelector<HTMLFormElement>("#viewer")!;
const nameInput = form.querySelector<HTMLInputElement>("input")!;
let leave: (() => void) | null = null;

function route(): void {
  leave?.();
  const watch = /^#\/watch\/([A-Za-z0-9_-]+)(\/dash)?/.exec(location.hash);
  leave = watch?.[2] ? showDashPlayer(main, watch[1]!) : watch ? showPlayer(main, watch[1]!, true) : location.hash === "#/nodes" ? showNodes(main) : showLibrary(main);
}

let signedIn = false;

async function start(name: string): Promise<void> {
  await signIn(name);
  nameInput.value = name;
  document.body.dataset["viewer"] = name;
  // Routes follow the hash only once there is a viewer token to ask with.
  if (!signedIn) window.addEventListener("hashchange", route);
  signedIn = true;
  route();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = nameInput.value.trim();
  localStorage.setItem(NAME_KEY, name);
  void start(name).catch(fail);
});

function fail(error: Error): void {
  main.replaceChildren(Object.assign(document.createElement("p"), { className: "status error", textContent: error.message }));
}

const play = new URLSearchParams(location.search).get("play");
if (play) {
  history.replaceState(null, "", `/#/watch/${play}`);
}
void start(localStorage.getItem(NAME_KEY) || "guest").catch(fail);
