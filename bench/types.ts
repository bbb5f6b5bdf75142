// One row of the benchmark table: our figure against a baseline measured in the same run.
export interface BenchRow {
  bench: string;
  metric: string;
  unit: string;
  ours: number;
  baselineName: string;
  baseline: number;
  /** ours / baseline: below 1 is faster (for times), above 1 slower. */
  ratio: number;
  note?: string;
}

export type Bench = { name: string; run: () => Promise<BenchRow[]> };

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The `p` quantile (0–1) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
