// After `vite build`: one declaration file per entry (dist/<name>.d.ts, shared types in chunks beside
// them), bundled with rollup-plugin-dts. The contracts' StreamInfo is inlined (that workspace is not
// published); hls.js and @ffmpeg/ffmpeg stay imports, and only the entries that need them name them.
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";
import { fileURLToPath } from "node:url";
import { PEER_IMPORTS, sourceEntries } from "./entries.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = await rollup({
  input: sourceEntries(),
  external: PEER_IMPORTS,
  plugins: [dts({ tsconfig: `${root}tsconfig.build.json`, respectExternal: true })],
});
await bundle.write({ dir: `${root}dist`, format: "es", entryFileNames: "[name].d.ts", chunkFileNames: "[name]-[hash].d.ts" });
await bundle.close();
