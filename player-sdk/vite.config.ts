// `npm run build -w player-sdk`: ESM library build, one dist/<name>.js per entry of package.json
// `exports` (scripts/entries.ts). hls.js and ffmpeg.wasm stay external: the page's bundler resolves
// them, and they load only when needed. No source maps: the package ships no source for them to map.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { PEER_IMPORTS, sourceEntries } from "./scripts/entries.ts";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    minify: true,
    sourcemap: false,
    lib: {
      entry: sourceEntries(),
      formats: ["es"],
    },
    // Full minification (Vite keeps whitespace in ES library output by default).
    rollupOptions: { external: PEER_IMPORTS, output: { minify: true } },
  },
  logLevel: "warn",
});
