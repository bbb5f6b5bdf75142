// createPlayer on a <video>, a status line, and a quality menu built from player.levels (known once
// the first rung is picked) that names the rung playing.
import { createPlayer, PlayerEvent } from "@edgestream/player-sdk";
import { settings } from "../settings.ts";

const status = document.querySelector("#status");
const quality = document.querySelector("#quality");
const player = createPlayer(document.querySelector("video"), { ...settings, autoplay: true });

player.on(PlayerEvent.Status, (event) => (status.textContent = event.status));
player.on(PlayerEvent.Error, ({ fatal, error }) => fatal && (status.textContent = error.message));
player.on(PlayerEvent.QualityChange, ({ level }) => {
  if (quality.options.length === 1) for (const l of player.levels) quality.append(new Option(`${l.height}p`, String(l.index)));
  document.querySelector("#rung").textContent = level ? `playing ${level.height}p` : "";
});
quality.addEventListener("change", () => player.setQuality(quality.value === "auto" ? "auto" : Number(quality.value)));
addEventListener("pagehide", () => player.destroy());
