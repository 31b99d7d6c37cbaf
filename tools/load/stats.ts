/** Percentile (nearest rank) of a list of numbers; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Counts of `values` per bucket: bucket i holds edges[i] ≤ v < edges[i+1]; the last bucket is open-ended. */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const counts = edges.map(() => 0);
  for (const v of values) {
    let i = edges.length - 1;
    while (i > 0 && v < edges[i]) i -= 1;
    if (v >= edges[0]) counts[i] = counts[i] + 1;
  }
  return counts;
}

/** Groups items into one-second buckets from `startMs`: index = floor((at - startMs) / 1000), `seconds` buckets. */
export function perSecond<T>(items: readonly T[], at: (item: T) => number, startMs: number, seconds: number): T[][] {
  const buckets: T[][] = Array.from({ length: Math.max(0, seconds) }, () => []);
  for (const item of items) {
    const i = Math.floor((at(item) - startMs) / 1000);
    if (i >= 0 && i < buckets.length) buckets[i].push(item);
  }
  return buckets;
}
