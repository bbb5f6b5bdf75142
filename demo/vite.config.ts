import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { sourceAliases } from "../player-sdk/scripts/entries.ts";

/**
 * The demo page's policy. The page talks to the worker through this server's proxy (/api, /hls),
 * so 'self' covers it (and Vite's HMR WebSocket, which CSP3 counts as 'self'); hls.js plays from
 * blob: MediaSource URLs and transmuxes in a blob: worker; Vite injects CSS as <style> in dev.
 * Shaka Player (the DASH page) shows subtitles through a <track> whose src is `data:,WEBVTT`, an
 * empty track it then fills with cues: media-src allows data: for that.
 */
export const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // The SDK's entries from source (its exports' "import" condition names dist/, built for publishing).
  resolve: { alias: sourceAliases() },
  // hls.js (by the SDK) and Shaka Player (by the DASH page) are imported lazily; pre-bundle them up
  // front so the first play does not reload the page.
  optimizeDeps: { include: ["hls.js", "shaka-player"] },
  clearScreen: false,
  server: {
    headers: {
      "Content-Security-Policy": DEMO_CSP,
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    },
  },
});
