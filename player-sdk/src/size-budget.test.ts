// @vitest-environment node
// The size budget: the core a page loads (dist/index.js and the chunks it imports statically),
// without hls.js, at most 8 KB gzipped. Builds the package with its own vite config into a
// temporary folder, so the test measures what `npm run build -w player-sdk` ships.
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CORE_BUDGET_BYTES = 8 * 1024;
/** What each optional entry adds on top of what the page already loads (the core, or the element). */
const ENTRY_BUDGETS = [
  { entry: "controls.js", on: "element.js", bytes: 5 * 1024 },
  { entry: "thumbnails.js", on: "index.js", bytes: 1024 },
  { entry: "prewarm.js", on: "index.js", bytes: 1.5 * 1024 }, // prewarm() and prewarmNext()
  { entry: "tracks.js", on: "index.js", bytes: 2 * 1024 }, // createTracks(): lists, choice, memory, hls.js and native sources
];
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "edgestream-sdk-build-"));
  await build({ configFile: fileURLToPath(new URL("../vite.config.ts", import.meta.url)), build: { outDir: out, sourcemap: false }, logLevel: "silent" });
}, 60_000);
afterAll(() => rm(out, { recursive: true, force: true }));

/** An entry and every chunk it imports statically (dynamic `import()` is loaded later, on demand). */
async function staticGraph(entry: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const visit = async (name: string) => {
    if (files.has(name)) return;
    const code = await readFile(join(out, name), "utf8");
    files.set(name, code);
    for (const match of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w${},*\s]+from\s*)?["'`]\.\/([^"'`]+)["'`]/g)) await visit(match[1]!);
  };
  await visit(entry);
  return files;
}
const gzipSize = (files: Map<string, string>) => [...files.values()].reduce((sum, code) => sum + gzipSync(code, { level: 9 }).length, 0);

describe("package size", () => {
  it(`keeps the core (no hls.js) within ${CORE_BUDGET_BYTES / 1024} KB gzipped`, async () => {
    const core = await staticGraph("index.js");
    const size = gzipSize(core);
    console.log(`core: ${[...core.keys()].join(" + ")} = ${size} B gzip`);
    expect(core.size).toBeGreaterThanOrEqual(2); // the entry re-exports a chunk: both count
    expect(size).toBeLessThanOrEqual(CORE_BUDGET_BYTES);
  });

  for (const { entry, on, bytes } of ENTRY_BUDGETS) {
    it(`keeps ${entry} within ${bytes / 1024} KB gzipped on top of ${on}`, async () => {
      const base = await staticGraph(on);
      const own = new Map([...(await staticGraph(entry))].filter(([name]) => !base.has(name) || name === entry));
      const size = gzipSize(own);
      console.log(`${entry} adds ${[...own.keys()].join(" + ")} = ${size} B gzip`);
      expect(own.has(entry)).toBe(true);
      expect(size).toBeLessThanOrEqual(bytes);
    });
  }

  it("keeps the control bar, thumbnails and prewarm out of the core and the bare element", async () => {
    for (const entry of ["index.js", "element.js"]) {
      const code = [...(await staticGraph(entry)).values()].join("\n");
      expect(code).not.toMatch(/#xywh|Video controls|EXT-X-MAP/);
    }
  });

  it("loads hls.js only through a dynamic import, and never ffmpeg.wasm for playback", async () => {
    const core = [...(await staticGraph("index.js")).values()].join("\n");
    expect(core).toMatch(/import\(\s*["'`]hls\.js["'`]\s*\)/);
    expect(core).not.toMatch(/from\s*["'`]hls\.js/);
    expect(core).not.toMatch(/@ffmpeg/);
    const preview = [...(await staticGraph("preview.js")).values()].join("\n");
    expect(preview).toMatch(/import\(\s*["'`]@ffmpeg\/ffmpeg["'`]\s*\)/);
  });

  it("builds the seven entries of the exports map", async () => {
    const names = await readdir(out);
    expect(names).toEqual(expect.arrayContaining(["index.js", "element.js", "preview.js", "controls.js", "thumbnails.js", "prewarm.js", "tracks.js"]));
    const pkg = JSON.parse(await readFile(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"));
    expect(Object.keys(pkg.exports)).toEqual([".", "./preview", "./element", "./controls", "./thumbnails", "./prewarm", "./tracks"]);
    for (const entry of Object.values(pkg.exports) as { import: string }[]) expect(names).toContain(entry.import.replace("./dist/", ""));
  });
});
