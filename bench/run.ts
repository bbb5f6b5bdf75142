// `npm run bench`: runs every benchmark, prints one table, writes bench/results/latest.json.
// Each figure is compared with a baseline measured in this same run, on this same machine.
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { manifestSigning } from "./manifest-signing.bench.ts";
import { transcode } from "./transcode.bench.ts";
import { workerHttp } from "./worker-http.bench.ts";
import { sessions } from "./sessions.bench.ts";
import { player } from "./player.bench.ts";
import { viewers } from "./viewers.bench.ts";
import { churn } from "./churn.bench.ts";
import { segmentCache } from "./segment-cache.bench.ts";
import { analytics } from "./analytics.bench.ts";
import { fleet } from "./fleet.bench.ts";
import { firstFrame } from "./first-frame.bench.ts";
import type { Bench, BenchRow } from "./types.ts";

const BENCHES: Bench[] = [manifestSigning, workerHttp, transcode, sessions, firstFrame, player, viewers, churn, segmentCache, analytics, fleet];

const only = process.argv.slice(2);
const rows: BenchRow[] = [];
for (const bench of BENCHES.filter((b) => only.length === 0 || only.includes(b.name))) {
  process.stderr.write(`running ${bench.name}…\n`);
  rows.push(...(await bench.run()));
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
const table = rows.map((r) => ({
  bench: r.bench,
  metric: r.metric,
  ours: `${fmt(r.ours)} ${r.unit}`,
  baseline: `${fmt(r.baseline)} ${r.unit} (${r.baselineName})`,
  ratio: r.ratio.toFixed(3),
  note: r.note ?? "",
}));
const headers = Object.keys(table[0] ?? { bench: "" }) as (keyof (typeof table)[number])[];
const widths = headers.map((h) => Math.max(h.length, ...table.map((row) => row[h].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(line(headers));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of table) console.log(line(headers.map((h) => row[h])));

const machine = { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL("./results/latest.json", import.meta.url), JSON.stringify({ at: new Date().toISOString(), machine, rows }, null, 2));
console.log("\nwritten to bench/results/latest.json");
