// The Cloudflare bundle's size budget: what `wrangler deploy --dry-run` builds from wrangler.toml
// (minified, zod's locale index swapped for English alone by its [alias]). Cold start and Workers'
// script size limits both grow with it; 1.2 MB (222 KiB gzip) before issue 17, 421 KiB (126 KiB) after.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/entry-process.ts";
import { runCommand } from "../helpers/run-command.ts";

const RAW_BUDGET_BYTES = 512 * 1024;
const GZIP_BUDGET_BYTES = 150 * 1024;

let out: string;
let code: string;
let inputs: string[];

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "edgestream-worker-bundle-"));
  await runCommand(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out, "--metafile", join(out, "meta.json")], ROOT, {
    WRANGLER_SEND_METRICS: "false",
  });
  code = await readFile(join(out, "cloudflare.js"), "utf8");
  inputs = Object.keys((JSON.parse(await readFile(join(out, "meta.json"), "utf8")) as { inputs: Record<string, unknown> }).inputs);
}, 120_000);
afterAll(() => rm(out, { recursive: true, force: true }));

describe("the Cloudflare worker bundle", () => {
  it(`stays within ${RAW_BUDGET_BYTES / 1024} KiB, ${GZIP_BUDGET_BYTES / 1024} KiB gzipped`, () => {
    const raw = Buffer.byteLength(code);
    const gzip = gzipSync(code, { level: 9 }).length;
    console.log(`worker bundle: ${(raw / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzip`);
    expect(raw).toBeLessThanOrEqual(RAW_BUDGET_BYTES);
    expect(gzip).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });

  it("carries zod's English messages and no other locale", () => {
    const locales = inputs.filter((path) => /\/zod\/v4\/locales\//.test(path)).map((path) => path.replace(/.*\/locales\//, ""));
    expect(locales).toEqual(["en.js"]);
    expect(inputs).toContain("worker/build/zod-locales-en.ts");
  });
});
