// The package's entry points, read from package.json `exports`: every `./dist/<name>.js` is built
// from `src/<name>.ts` or `src/<name>/index.ts`, so adding an entry is one block in `exports`.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface EntryTarget {
  types: string;
  import: string;
}

export function packageExports(): Record<string, EntryTarget> {
  return JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")).exports;
}

/** `{ index: "<root>/src/index.ts", preview: "<root>/src/preview/index.ts", … }`, keyed by the dist file name. */
export function sourceEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [key, target] of Object.entries(packageExports())) {
    const name = /^\.\/dist\/([\w-]+)\.js$/.exec(target.import)?.[1];
    if (!name || target.types !== `./dist/${name}.d.ts`) throw new Error(`exports["${key}"] must be { types: "./dist/<name>.d.ts", import: "./dist/<name>.js" }`);
    const source = [`src/${name}.ts`, `src/${name}/index.ts`].find((path) => existsSync(ROOT + path));
    if (!source) throw new Error(`exports["${key}"]: no src/${name}.ts or src/${name}/index.ts to build ./dist/${name}.js from`);
    entries[name] = ROOT + source;
  }
  return entries;
}

/** Peer dependencies: imported by the page's bundler, never bundled (JavaScript or declarations). */
export const PEER_IMPORTS = [/^hls\.js(\/.*)?$/, /^@ffmpeg\//];

/** Vite aliases that resolve `@edgestream/player-sdk` and each `@edgestream/player-sdk/<entry>` to its
 * source (the exports' "import" condition names dist/, built for publishing): the demo and the examples. */
export function sourceAliases(): { find: string | RegExp; replacement: string }[] {
  return Object.entries(sourceEntries()).map(([name, source]) => ({
    find: name === "index" ? /^@edgestream\/player-sdk$/ : `@edgestream/player-sdk/${name}`,
    replacement: source,
  }));
}
