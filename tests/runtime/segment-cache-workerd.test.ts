// Segments shared across viewers on Cloudflare Workers: the Cloudflare entry under workerd
// (miniflare) with R2 and the Cache API, built by wrangler from counting-r2-entry.ts, which counts
// every get() that reaches the R2 binding. A clip packaged by the real CLI is seeded into R2.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isImmutablePackageFile, STREAM_TOKEN_PARAM } from "@edgestream/contracts";
import { createKeyring, parseSigningKeys, signStreamToken, streamScope } from "@edgestream/worker";
import { packageTestClip, type PackagedClip } from "../helpers/packaged-clip.ts";
import { bytesOf, expectRangesServed, expectSimultaneousServed, expectViewersServed } from "../helpers/shared-segments.ts";
import { TEST_SECRETS } from "../helpers/stack.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const VIEWERS = 50;
const VID = "clip1";

let clip: PackagedClip;
let out: string;
let mf: Miniflare;
let url: string;
/** Init and media segments, relative to the package prefix. */
let segments: [string, Buffer][];
let viewerTokens: string[];

beforeAll(async () => {
  clip = await packageTestClip(30);
  segments = [...clip.files].filter(([file]) => isImmutablePackageFile(`${clip.sha}/${file}`));
  out = await mkdtemp(join(tmpdir(), "edgestream-cf-cache-"));
  await promisify(execFile)(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out, "tests/runtime/counting-r2-entry.ts"], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const compatibilityDate = /^compatibility_date = "([\d-]+)"/m.exec(await readFile(join(ROOT, "wrangler.toml"), "utf8"))![1]!;
  mf = new Miniflare({
    modules: true,
    script: await readFile(join(out, "counting-r2-entry.js"), "utf8"),
    compatibilityDate,
    compatibilityFlags: ["nodejs_compat"],
    d1Databases: ["DB"],
    r2Buckets: ["MEDIA"],
    bindings: TEST_SECRETS,
  });
  url = (await mf.ready).toString().replace(/\/$/, "");
  const bucket = (await mf.getR2Bucket("MEDIA")) as unknown as { put(key: string, body: Uint8Array): Promise<unknown> };
  for (const [file, bytes] of clip.files) await bucket.put(`${clip.sha}/${file}`, new Uint8Array(bytes));
  const { secrets, currentKid } = parseSigningKeys(TEST_SECRETS.SIGNING_KEYS);
  const keyring = await createKeyring(secrets, currentKid);
  const exp = Math.floor(Date.now() / 1000) + 3600;
  viewerTokens = await Promise.all(Array.from({ length: VIEWERS }, (_, i) => signStreamToken(keyring, { exp, vid: VID, src: clip.sha, sub: `viewer-${i}` })));
}, 180_000);

afterAll(async () => {
  await mf?.dispose();
  if (out) await rm(out, { recursive: true, force: true });
  await clip?.remove();
});

const fileUrl = (token: string, file: string) => `${url}${streamScope(VID)}${file}?${STREAM_TOKEN_PARAM}=${token}`;
const r2Gets = async (): Promise<Record<string, number>> => (await fetch(`${url}/__test/r2-gets`)).json() as Promise<Record<string, number>>;
const readsOf = async (file: string) => (await r2Gets())[`${clip.sha}/${file}`] ?? 0;

describe("segments shared across viewers (workerd: R2 behind the Cache API)", () => {
  it("coalesces 50 simultaneous misses for one segment into one R2 read", async () => {
    const [file, bytes] = segments.at(-1)!;
    await expectSimultaneousServed(fileUrl(viewerTokens[0]!, file), bytes, VIEWERS);
    expect(await readsOf(file)).toBe(1);
  }, 60_000);

  it("serves 50 viewers with 50 tokens every segment of a video with one R2 read per segment, headers as R2 gave them", async () => {
    const bucket = (await mf.getR2Bucket("MEDIA")) as unknown as { head(key: string): Promise<{ httpEtag: string } | null> };
    await expectViewersServed(
      viewerTokens.map((token) => (file) => fileUrl(token, file)),
      segments,
      async (file) => (await bucket.head(`${clip.sha}/${file}`))!.httpEtag,
    );
    const gets = await r2Gets();
    for (const [file] of segments) expect({ file, reads: gets[`${clip.sha}/${file}`] }).toEqual({ file, reads: 1 });
  }, 120_000);

  it("answers Range requests from the cached segment, 416 past its end", async () => {
    const [file, bytes] = segments.find(([name]) => name.endsWith(".m4s"))!;
    const target = fileUrl(viewerTokens[0]!, file);
    await bytesOf(await fetch(target));
    const reads = await readsOf(file);
    await expectRangesServed(target, bytes);
    expect(await readsOf(file)).toBe(reads);
  }, 60_000);

  it("gives every waiting viewer the failed read's 503 storage_unavailable and caches nothing: the next request reads R2 again", async () => {
    const [file, bytes] = segments[0]!;
    const key = `${clip.sha}/${file}`;
    // This test's segment must be cold: the 50-viewer test above read every one, so use a copy.
    const copy = `copy-${clip.sha.slice(0, 8)}`;
    const bucket = (await mf.getR2Bucket("MEDIA")) as unknown as { put(key: string, body: Uint8Array): Promise<unknown> };
    await bucket.put(`${copy}/${file}`, new Uint8Array(bytes));
    const { secrets, currentKid } = parseSigningKeys(TEST_SECRETS.SIGNING_KEYS);
    const token = await signStreamToken(await createKeyring(secrets, currentKid), { exp: Math.floor(Date.now() / 1000) + 600, vid: VID, src: copy });
    expect((await fetch(`${url}/__test/fail-r2-gets?key=${copy}/${file}&count=1`, { method: "POST" })).status).toBe(204);
    const failed = await Promise.all(Array.from({ length: 5 }, () => fetch(fileUrl(token, file))));
    for (const response of failed) {
      expect([response.status, response.headers.get("cache-control"), response.headers.get("retry-after")]).toEqual([503, "no-store", "5"]);
      expect(await response.json()).toMatchObject({ error: { code: "storage_unavailable" } });
    }
    expect((await r2Gets())[`${copy}/${file}`]).toBe(1);
    for (let i = 0; i < 2; i++) {
      const response = await fetch(fileUrl(token, file));
      expect(response.status).toBe(200);
      expect((await bytesOf(response)).equals(bytes)).toBe(true);
    }
    expect((await r2Gets())[`${copy}/${file}`]).toBe(2);
    expect((await r2Gets())[key]).toBe(1);
  }, 60_000);
});
