// The player SDK as a user gets it: `npm pack` (its prepack builds dist/), the tarball checked by
// publint and arethetypeswrong, installed with hls.js from the registry into a throwaway app
// (fixtures/sdk-consumer), typechecked under `bundler` and `node16` with `skipLibCheck: false`, and
// built with Vite. @ffmpeg/ffmpeg, an optional peer, is installed only for the build: the typecheck
// proves a page that imports the preview entry compiles without it.
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../helpers/run-command.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SDK = join(ROOT, "player-sdk");
const FIXTURE = fileURLToPath(new URL("./fixtures/sdk-consumer", import.meta.url));
const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
const NPM_QUIET = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

let work: string;
let tarball: string;
let app: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "edgestream-sdk-consumer-"));
  const packed = JSON.parse((await runCommand("npm", ["pack", "--json", "--pack-destination", work], SDK)).stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed[0]!.filename);
  app = join(work, "app");
  await cp(FIXTURE, app, { recursive: true });
  await runCommand("npm", ["install", ...NPM_QUIET, tarball, "hls.js@^1.5.0"], app);
}, 240_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe("the packed player SDK", () => {
  it("ships built files only: JavaScript and declarations for every export, no source, no maps", async () => {
    const files = (await runCommand("tar", ["-tzf", tarball], work)).stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));
    const pkg = JSON.parse(await readFile(join(SDK, "package.json"), "utf8")) as { exports: Record<string, { types: string; import: string }> };
    for (const target of Object.values(pkg.exports)) {
      expect(files).toContain(target.import.replace("./", ""));
      expect(files).toContain(target.types.replace("./", ""));
    }
    expect(files.filter((f) => !/^dist\/[\w-]+\.(js|d\.ts)$/.test(f)).sort()).toEqual(["README.md", "package.json"]);
  });

  it("declares its types on its own: imports only the hls.js peer, inlines the /stream type without zod's", async () => {
    const dist = join(app, "node_modules", "@edgestream", "player-sdk", "dist");
    const declarations = (await readdir(dist)).filter((f) => f.endsWith(".d.ts"));
    const text = (await Promise.all(declarations.map((f) => readFile(join(dist, f), "utf8")))).join("\n");
    const bare = [...text.matchAll(/(?:from|import)\s*["']([^"'.][^"']*)["']/g)].map((m) => m[1]);
    expect(new Set(bare)).toEqual(new Set(["hls.js"]));
    expect(text).toMatch(/type StreamInfo = \{\s*status: "ready";/);
    expect(text).not.toMatch(/\bZod[A-Z]\w*/);
  });

  it("passes publint (strict) and arethetypeswrong (ESM only)", async () => {
    const { messages, pkg } = await publint({ pack: { tarball: (await readFile(tarball)).buffer as ArrayBuffer }, strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`)).toEqual([]);
    // Exits non-zero on any problem not ignored by the profile (which ignores require() and node10).
    await runCommand(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"], work);
  });

  it("is ESM only: import loads the built module, require() is refused at resolution (no raw TypeScript)", async () => {
    const imported = await runCommand("node", ["--input-type=module", "-e", 'const m = await import("@edgestream/player-sdk"); console.log(typeof m.createPlayer)'], app);
    expect(imported.stdout.trim()).toBe("function");
    const required = await runCommand("node", ["--input-type=commonjs", "-e", 'require("@edgestream/player-sdk")'], app).catch((error: Error) => error);
    expect(required).toBeInstanceOf(Error);
    expect((required as Error).message).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it("typechecks a consumer under moduleResolution bundler and node16 with skipLibCheck false, without @ffmpeg/ffmpeg", async () => {
    expect(await readdir(join(app, "node_modules"))).not.toContain("@ffmpeg");
    for (const config of ["tsconfig.bundler.json", "tsconfig.node16.json"]) {
      await runCommand("node", [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", config], app);
    }
  });

  it("builds the consumer with Vite, hls.js in a chunk of its own loaded on demand", async () => {
    await runCommand("npm", ["install", ...NPM_QUIET, "@ffmpeg/ffmpeg@^0.12.10"], app);
    await runCommand(bin("vite"), ["build", "--logLevel", "warn"], app);
    const assets = join(app, "dist", "assets");
    const chunks = (await readdir(assets)).filter((f) => f.endsWith(".js"));
    const html = await readFile(join(app, "dist", "index.html"), "utf8");
    const entry = chunks.find((f) => html.includes(f))!;
    expect(entry).toBeDefined();
    const hls = chunks.find((f) => f.startsWith("hls"));
    expect(hls).toBeDefined();
    const entryCode = await readFile(join(assets, entry), "utf8");
    expect(entryCode).toMatch(new RegExp(`import\\(["'\`]\\./${hls!.replace(".", "\\.")}`));
    expect(entryCode).not.toMatch(new RegExp(`from\\s*["'\`]\\./${hls!.replace(".", "\\.")}`));
  });
});
