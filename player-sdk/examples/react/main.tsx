// A React component around createPlayer: useEffect creates the player and its cleanup destroys it
// (StrictMode mounts twice in development: destroy() leaves nothing behind).
import { StrictMode, useEffect, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { createPlayer, PlayerEvent, type PlayerStatus } from "@edgestream/player-sdk";
import { settings } from "../settings.ts";

function EdgestreamVideo({ apiBase, videoId, token }: { apiBase: string; videoId: string; token: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<PlayerStatus | string>("idle");
  useEffect(() => {
    const player = createPlayer(ref.current!, { apiBase, videoId, token, autoplay: true });
    const offStatus = player.on(PlayerEvent.Status, (event) => setStatus(event.status));
    const offError = player.on(PlayerEvent.Error, ({ fatal, error }) => fatal && setStatus(error.message));
    return () => {
      offStatus();
      offError();
      player.destroy();
    };
  }, [apiBase, videoId, token]);
  return (
    <>
      <video ref={ref} controls playsInline muted style={{ width: "100%", maxWidth: 720, aspectRatio: "16 / 9", background: "#000" }} />
      <p id="status" role="status">
        {status}
      </p>
    </>
  );
}

function App() {
  const [open, setOpen] = useState(true);
  return (
    <main>
      {open && <EdgestreamVideo {...settings} />}
      <button type="button" onClick={() => setOpen(!open)}>
        {open ? "Close the player" : "Open the player"}
      </button>
    </main>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
