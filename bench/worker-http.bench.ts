// The worker over real HTTP on loopback against nginx on the same files, in one run: a signed
// 1,800-segment playlist per second in the path form (served as stored bytes) and in the query form
// (rewritten), against nginx serving the playlist as a static file, and 1 MB segments through the
// worker's gate against nginx secure_link + sendfile. The worker runs in its own process (as nginx
// does, one worker process); autocannon drives both from this process.
import autocannon from "autocannon";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyring, signStreamToken } from "../worker/src/index.ts";
import { nginxSignedUrl } from "../worker/src/signing/nginx-secure-link.ts";
import { secureLinkLocation, startNginx } from "../tests/helpers/nginx.ts";
import { processTree } from "../tests/helpers/processes.ts";
import { startWorkerProcess } from "./worker-process.ts";
import type { Bench, BenchRow } from "./types.ts";

const SECONDS = Number(process.env["BENCH_HTTP_SECONDS"] ?? 5);
const CONNECTIONS = 16;
const NGINX_SECRET = "bench-nginx-secret";
const SIGNING_SECRET = "b".repeat(48);

/** CPU seconds used so far by a process and its children (nginx's workers). */
async function cpuSeconds(pid: number): Promise<number> {
  return (await processTree(pid)).reduce((sum, p) => sum + p.cpuSeconds, 0);
}

/**
 * Requests/s under load, after a 1 s warm-up (JIT, caches), and the server's CPU time per request:
 * on a shared machine requests/s follow the load of others, CPU per request much less so.
 */
async function load(url: string, serverPid: number): Promise<{ rps: number; mbps: number; errors: number; cpuUs: number }> {
  await autocannon({ url, connections: CONNECTIONS, duration: 1, pipelining: 1 });
  const cpuBefore = await cpuSeconds(serverPid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, pipelining: 1 });
  const cpuUs = (((await cpuSeconds(serverPid)) - cpuBefore) * 1e6) / Math.max(1, result.requests.total);
  const non2xx = result.non2xx + result.errors;
  return { rps: result.requests.average, mbps: result.throughput.average / 1e6, errors: non2xx, cpuUs };
}

export const workerHttp: Bench = {
  name: "worker http",
  async run(): Promise<BenchRow[]> {
    const dir = join(tmpdir(), `edgestream-bench-http-${process.pid}`);
    const storage = join(dir, "storage");
    await mkdir(join(storage, "pkg", "v0"), { recursive: true });
    const lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:4", "#EXT-X-PLAYLIST-TYPE:VOD", '#EXT-X-MAP:URI="init.mp4"'];
    for (let i = 0; i < 1800; i++) lines.push("#EXTINF:4.000000,", `seg_${String(i).padStart(5, "0")}.m4s`);
    await writeFile(join(storage, "pkg", "v0", "index.m3u8"), lines.join("\n") + "\n#EXT-X-ENDLIST\n");
    await writeFile(join(storage, "pkg", "v0", "seg_00000.m4s"), new Uint8Array(1024 * 1024).map((_, i) => i % 251));

    const { http, location } = secureLinkLocation(storage, NGINX_SECRET);
    const nginx = await startNginx(join(dir, "nginx"), `${location}\n    location /static/ { alias ${storage}/; }`, http);
    let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
    try {
      worker = await startWorkerProcess({ SIGNING_KEYS: `b1:${SIGNING_SECRET}`, JWT_SECRET: "j".repeat(48), EDGESTREAM_DATA_DIR: dir });
      // The gate reads no database: a token signed here with the worker's key is all it needs.
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const token = await signStreamToken(await createKeyring({ b1: SIGNING_SECRET }, "b1"), { exp, vid: "vid1", src: "pkg" });

      const pathPlaylist = await load(`${worker.url}/hls/${token}/v0/index.m3u8`, worker.pid);
      const queryPlaylist = await load(`${worker.url}/hls/vid1/v0/index.m3u8?sig=${token}`, worker.pid);
      const nginxPlaylist = await load(`${nginx.url}/static/pkg/v0/index.m3u8`, nginx.pid);
      const workerSegment = await load(`${worker.url}/hls/${token}/v0/seg_00000.m4s`, worker.pid);
      const nginxSegment = await load(nginxSignedUrl(`${nginx.url}/media`, "pkg/v0/seg_00000.m4s", exp, NGINX_SECRET), nginx.pid);
      const cpu = (ours: { cpuUs: number }, theirs: { cpuUs: number }) => `CPU per request ${ours.cpuUs.toFixed(0)} µs vs ${theirs.cpuUs.toFixed(0)} µs`;
      const runs = { "path-form playlist": pathPlaylist, "query-form playlist": queryPlaylist, "nginx playlist": nginxPlaylist, "worker segment": workerSegment, "nginx segment": nginxSegment };
      for (const [what, r] of Object.entries(runs)) if (r.errors) throw new Error(`${what}: ${r.errors} failed requests`);
      const note = `${CONNECTIONS} connections, ${SECONDS} s each, loopback, worker (node-server) and nginx one process each`;
      const playlistRow = (form: string, r: typeof pathPlaylist): BenchRow => ({
        bench: "worker http",
        metric: `signed 1,800-segment playlist, ${form}, requests/s`,
        unit: "req/s",
        ours: r.rps,
        baselineName: "nginx static file",
        baseline: nginxPlaylist.rps,
        ratio: r.rps / nginxPlaylist.rps,
        note: `${cpu(r, nginxPlaylist)}; ${note}`,
      });
      return [
        playlistRow("path form (stored bytes)", pathPlaylist),
        playlistRow("query form (rewritten)", queryPlaylist),
        {
          bench: "worker http",
          metric: "1 MB segment through the gate, MB/s",
          unit: "MB/s",
          ours: workerSegment.mbps,
          baselineName: "nginx secure_link + sendfile",
          baseline: nginxSegment.mbps,
          ratio: workerSegment.mbps / nginxSegment.mbps,
          note: `${workerSegment.rps.toFixed(0)} vs ${nginxSegment.rps.toFixed(0)} req/s; ${cpu(workerSegment, nginxSegment)}; ${note}`,
        },
      ];
    } finally {
      await worker?.close();
      await nginx.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
