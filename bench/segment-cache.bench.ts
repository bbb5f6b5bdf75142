// Segments shared across viewers (issue 13): 50 viewers, each with its own token from /stream, fetch
// every init and media segment of one package, all at once, from the worker on Node (its own
// process) with media in S3 (s3rver on loopback, every request counted by a proxy). With the
// segment cache against the same worker without it (SEGMENT_CACHE_MAX_BYTES=0), in the same run:
// S3 reads per segment file, and segment requests/s. One pass each, so the cached run includes
// every cold miss.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { isImmutablePackageFile } from "../contracts/src/index.ts";
import { createS3Storage } from "../contracts/src/storage/s3.ts";
import { startS3rverBucket } from "../contracts/src/testing/s3rver-bucket.ts";
import { generateTestPattern, packageVod } from "../transcode-node/src/index.ts";
import { startFaultProxy } from "../tests/faults/fault-proxy.ts";
import type { Bench, BenchRow } from "./types.ts";
import { startWorkerProcess } from "./worker-process.ts";

const VIEWERS = 50;
const SOURCE_SECONDS = 60;

interface PassResult {
  rps: number;
  readsPerFile: number;
  errors: number;
}

export const segmentCache: Bench = {
  name: "segment cache",
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(join(tmpdir(), "edgestream-bench-segcache-"));
    const bucket = await startS3rverBucket("bench-segcache-s3");
    const proxy = await startFaultProxy(bucket.options.endpoint);
    try {
      const source = join(dir, "source.mp4");
      await generateTestPattern(source, { seconds: SOURCE_SECONDS, width: 640, height: 360, fps: 25 });
      const out = join(dir, "pkg");
      await packageVod({ input: source, outDir: out, hwaccel: "software", ladder: [360], thumbnails: false });
      const storage = createS3Storage(bucket.options);
      const files: string[] = [];
      for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const file = relative(out, join(entry.parentPath, entry.name));
        await storage.put(`pkg/${file}`, await readFile(join(out, file)));
        if (isImmutablePackageFile(`pkg/${file}`)) files.push(file);
      }
      files.sort();

      const pass = async (cacheBytes: string): Promise<PassResult> => {
        const worker = await startWorkerProcess({
          SIGNING_KEYS: `b1:${"b".repeat(48)}`,
          JWT_SECRET: "j".repeat(48),
          DEMO_MODE: "1",
          EDGESTREAM_DATA_DIR: join(dir, `worker-${cacheBytes}`),
          S3_ENDPOINT: proxy.url,
          S3_BUCKET: bucket.options.bucket,
          S3_REGION: bucket.options.region,
          S3_ACCESS_KEY_ID: bucket.options.accessKeyId,
          S3_SECRET_ACCESS_KEY: bucket.options.secretAccessKey,
          ...(cacheBytes ? { SEGMENT_CACHE_MAX_BYTES: cacheBytes } : {}),
        });
        try {
          const api = worker.url;
          const login = async (name: string) =>
            ((await (await fetch(`${api}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) })).json()) as { token: string }).token;
          const owner = await login("owner");
          const created = await fetch(`${api}/api/videos`, { method: "POST", headers: { Authorization: `Bearer ${owner}`, "Content-Type": "application/json" }, body: JSON.stringify({ title: "Cache", storageKey: "pkg", visibility: "public" }) });
          const video = (await created.json()) as { id: string };
          if (created.status !== 201) throw new Error(`registering the package: HTTP ${created.status} ${JSON.stringify(video)}`);
          const manifests = await Promise.all(
            Array.from({ length: VIEWERS }, async (_, i) => {
              const stream = await fetch(`${api}/api/videos/${video.id}/stream`, { headers: { Authorization: `Bearer ${await login(`viewer-${i}`)}` } });
              return new URL(((await stream.json()) as { manifestUrl: string }).manifestUrl, api).href;
            }),
          );
          proxy.requests.length = 0;
          let errors = 0;
          let requests = 0;
          const started = performance.now();
          await Promise.all(
            manifests.map(async (manifest) => {
              for (const file of files) {
                // Resolved as a player resolves it: the token goes along (in the query or the path).
                const url = new URL(file, manifest);
                url.search = new URL(manifest).search;
                const response = await fetch(url).catch(() => null);
                if (response) await response.arrayBuffer();
                requests++;
                if (!response?.ok) errors++;
              }
            }),
          );
          const seconds = (performance.now() - started) / 1000;
          const reads = proxy.requests.filter((line) => line.startsWith(`GET /${bucket.options.bucket}/pkg/`)).length;
          return { rps: requests / seconds, readsPerFile: reads / files.length, errors };
        } finally {
          await worker.close();
        }
      };

      process.stderr.write(`  ${VIEWERS} viewers × ${files.length} segment files without the cache…\n`);
      const without = await pass("0");
      process.stderr.write(`  …and with it\n`);
      const withCache = await pass("");
      const note = `${VIEWERS} viewers at once, one pass over ${files.length} init/segment files of a ${SOURCE_SECONDS} s 360p package (+audio), S3 = s3rver on loopback; errors ${withCache.errors} with, ${without.errors} without`;
      const row = (metric: string, unit: string, a: number, b: number): BenchRow => ({ bench: "segment cache", metric, unit, ours: a, baselineName: "same worker, no cache", baseline: b, ratio: b ? a / b : Number.NaN, note });
      return [row("S3 reads per segment file", "reads", withCache.readsPerFile, without.readsPerFile), row("segment requests/s", "req/s", withCache.rps, without.rps)];
    } finally {
      await proxy.close();
      await bucket.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
