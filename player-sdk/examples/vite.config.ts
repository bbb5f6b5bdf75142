// The SDK's three example apps (plain JavaScript, React, the web component) as one multi-page Vite
// app, built against the SDK's source: `npx vite build -c player-sdk/examples/vite.config.ts`
// (tests/e2e/examples.test.ts builds them into a temp folder, serves them and plays each in Chromium).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { sourceAliases } from "../scripts/entries.ts";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  resolve: { alias: sourceAliases() },
  // React's automatic runtime for .tsx, without a plugin (no Fast Refresh needed for a built example).
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: { input: Object.fromEntries(["plain", "react", "element"].map((name) => [name, `${root}${name}/index.html`])) },
  },
  logLevel: "warn",
});
