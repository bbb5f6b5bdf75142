// `npm run build -w player-sdk`: ESM library build (dist/index.js, element.js, preview.js, controls.js,
// thumbnails.js, prewarm.js). hls.js and ffmpeg.wasm stay external: the page's bundler resolves
// them, and they load only when needed.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    minify: true,
    sourcemap: true,
    lib: {
      entry: {
        index: src("index.ts"),
        element: src("element.ts"),
        preview: src("preview/index.ts"),
        controls: src("controls/index.ts"),
        thumbnails: src("thumbnails/index.ts"),
        prewarm: src("prewarm/index.ts"),
      },
      formats: ["es"],
    },
    // Full minification (Vite keeps whitespace in ES library output by default).
    rollupOptions: { external: [/^hls\.js(\/.*)?$/, /^@ffmpeg\//], output: { minify: true } },
  },
  logLevel: "warn",
});
