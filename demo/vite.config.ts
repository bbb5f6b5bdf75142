import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: {
    alias: { "@edgestream/player-sdk": fileURLToPath(new URL("../player-sdk/src/index.ts", import.meta.url)) },
  },
  // hls.js is imported lazily by the SDK; pre-bundle it up front so the first play does not reload the page.
  optimizeDeps: { include: ["hls.js"] },
  clearScreen: false,
});
