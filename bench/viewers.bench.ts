// 200 concurrent viewers against one box, in one run: the worker on Node (its own process, fs
// storage, a real packaged video) against nginx serving the same files. Each viewer plays the way
// hls.js does, back to back with no think time: /stream for a real token (worker only), the master
// playlist, the media playlists, the init segments, then the segments in order; at the end it
// starts over. Figures count the HLS requests (both sides make the same ones); errors count every
// failed or non-2xx request, /stream included (goal: 0).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTestPattern, packageVod } from "../transcode-node/src/index.ts";
import { startNginx } from "../tests/helpers/nginx.ts";
import { startWorkerProcess } from "./worker-process.ts";
import { percentile, type Bench, type BenchRow } from "./types.ts";

const SECONDS = Number(process.env["BENCH_LOAD_SECONDS"] ?? 60);
const VIEWERS = Number(process.env["BENCH_LOAD_VIEWERS"] ?? 200);
const SOURCE_SECONDS = 60;

interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  firstError?: string;
}

/** A playlist's URIs resolved against its URL: variants and renditions (master), map and segments (media). */
function playlistUris(text: string, base: string) {
  const uris = { variants: [] as string[], renditions: [] as string[], maps: [] as string[], segments: [] as string[] };
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const attribute = /URI="([^"]+)"/.exec(line)?.[1];
    if (line.startsWith("#EXT-X-MEDIA:") && attribute) uris.renditions.push(new URL(attribute, base).href);
    else if (line.startsWith("#EXT-X-MAP:") && attribute) uris.maps.push(new URL(attribute, base).href);
    else if (line && !line.startsWith("#")) (lines[i - 1]?.startsWith("#EXT-X-STREAM-INF") ? uris.variants : uris.segments).push(new URL(line, base).href);
  });
  return uris;
}

/**
 * Runs `VIEWERS` viewers for `SECONDS`. `masterUrl` gives a viewer's master playlist URL (for the
 * worker: a fresh /stream call, as a player makes on start).
 */
async function loadTest(masterUrl: () => Promise<string>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const fail = (what: string) => {
    errors++;
    firstError ??= what;
  };
  const get = async (url: string, text: boolean): Promise<string | null> => {
    const started = performance.now();
    try {
      const response = await fetch(url); // Node's fetch: keep-alive, no cap on connections per origin
      const body = text ? await response.text() : (await response.arrayBuffer(), "");
      latencies.push(performance.now() - started);
      if (!response.ok) return fail(`${response.status} ${new URL(url).pathname}`), null;
      return body;
    } catch (error) {
      fail(`${(error as Error).message} ${new URL(url).pathname}`);
      return null;
    }
  };
  const deadline = performance.now() + SECONDS * 1000;
  const viewer = async () => {
    while (performance.now() < deadline) {
      const master = await masterUrl().catch((error: Error) => (fail(`/stream: ${error.message}`), null));
      const masterText = master && (await get(master, true));
      if (!master || masterText === null) continue;
      // The first video variant and every audio rendition, played side by side.
      const { variants, renditions } = playlistUris(masterText, master);
      const media = [];
      for (const url of [...variants.slice(0, 1), ...renditions]) {
        const text = await get(url, true);
        if (text !== null) media.push(playlistUris(text, url));
      }
      for (const m of media) for (const map of m.maps) await get(map, false);
      const longest = Math.max(0, ...media.map((m) => m.segments.length));
      for (let i = 0; i < longest && performance.now() < deadline; i++) {
        for (const m of media) if (m.segments[i]) await get(m.segments[i]!, false);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: VIEWERS }, viewer));
  const elapsed = (performance.now() - started) / 1000;
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), ...(firstError ? { firstError } : {}) };
}

export const viewers: Bench = {
  name: "viewers",
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(join(tmpdir(), "edgestream-bench-viewers-"));
    const storage = join(dir, "storage");
    let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
    let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
    try {
      const source = join(dir, "source.mp4");
      await generateTestPattern(source, { seconds: SOURCE_SECONDS, width: 640, height: 360, fps: 25 });
      await packageVod({ input: source, outDir: join(storage, "pkg"), hwaccel: "software", ladder: [360], thumbnails: false });
      worker = await startWorkerProcess({
        SIGNING_KEYS: `b1:${"b".repeat(48)}`,
        JWT_SECRET: "j".repeat(48),
        DEMO_MODE: "1",
        EDGESTREAM_DATA_DIR: dir,
        STORAGE_DIR: storage,
      });
      const api = worker.url;
      const login = async (name: string) =>
        ((await (await fetch(`${api}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) })).json()) as { token: string }).token;
      const owner = await login("owner");
      const created = await fetch(`${api}/api/videos`, { method: "POST", headers: { Authorization: `Bearer ${owner}`, "Content-Type": "application/json" }, body: JSON.stringify({ title: "Load", storageKey: "pkg", visibility: "public" }) });
      const video = (await created.json()) as { id: string; status: string };
      if (created.status !== 201 || video.status !== "ready") throw new Error(`registering the package: HTTP ${created.status} ${JSON.stringify(video)}`);
      const jwts = await Promise.all(Array.from({ length: VIEWERS }, (_, i) => login(`viewer-${i}`)));
      let next = 0;
      const streamUrl = async () => {
        const jwt = jwts[next++ % jwts.length]!;
        const response = await fetch(`${api}/api/videos/${video.id}/stream`, { headers: { Authorization: `Bearer ${jwt}` } });
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        return new URL(((await response.json()) as { manifestUrl: string }).manifestUrl, api).href;
      };
      process.stderr.write(`  ${VIEWERS} viewers × ${SECONDS} s against the worker…\n`);
      const ours = await loadTest(streamUrl);
      await worker.close();
      worker = undefined;

      nginx = await startNginx(join(dir, "nginx"), `location /static/ { alias ${storage}/; }`);
      process.stderr.write(`  ${VIEWERS} viewers × ${SECONDS} s against nginx…\n`);
      const baseline = await loadTest(async () => `${nginx!.url}/static/pkg/master.m3u8`);

      const note = `${VIEWERS} viewers back to back, ${SECONDS} s, ${SOURCE_SECONDS} s 360p package (+audio), loopback; errors ours ${ours.errors}${ours.firstError ? ` (first: ${ours.firstError})` : ""}, nginx ${baseline.errors}`;
      const row = (metric: string, unit: string, a: number, b: number): BenchRow => ({ bench: "viewers", metric, unit, ours: a, baselineName: "nginx static files", baseline: b, ratio: b ? a / b : Number.NaN, note });
      return [
        row("HLS requests/s (playlists + segments)", "req/s", ours.rps, baseline.rps),
        row("p50 latency", "ms", ours.p50, baseline.p50),
        row("p99 latency", "ms", ours.p99, baseline.p99),
        { bench: "viewers", metric: "failed requests (goal 0)", unit: "errors", ours: ours.errors, baselineName: "nginx static files", baseline: baseline.errors, ratio: Number.NaN, note: `of ${ours.requests} (ours) and ${baseline.requests} (nginx) requests` },
      ];
    } finally {
      await worker?.close();
      await nginx?.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
