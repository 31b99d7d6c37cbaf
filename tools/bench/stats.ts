/** Percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export interface RunResult {
  label: string;
  messages: number;
  seconds: number;
  p50: number;
  p99: number;
}

export const perSecond = (r: RunResult): number => r.messages / r.seconds;

export const summarize = (label: string, latencies: number[], seconds: number): RunResult => ({
  label,
  messages: latencies.length,
  seconds,
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
});
