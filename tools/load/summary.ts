import type { Violation } from '../invariants/invariant-rules';
import { OUTCOMES, orderOutcomeOf, type Outcome, type RequestRecord } from './records';
import type { LoadResult } from './run-load';
import { percentile } from './stats';

export interface RouteFigures {
  method: string;
  route: string;
  count: number;
  ok: number;
  errors: number;
  p50: number;
  p99: number;
}

/** The figures of a run, as printed and as the report's table. */
export interface LoadSummary {
  durationS: number;
  offeredRate: number;
  requests: number;
  requestsPerSecond: number;
  byOutcome: Record<Outcome, number>;
  errors: number;
  errorRate: number;
  latency: { p50: number; p90: number; p99: number; max: number };
  routes: RouteFigures[];
  errorsByCode: Array<{ code: string; count: number }>;
  orders: { placed: number; byOutcome: Record<string, number>; notFinal: string[]; sagaP50: number; sagaP99: number };
}

const isError = (r: RequestRecord): boolean => r.outcome !== 'ok';

export function summarizeLoad(result: LoadResult): LoadSummary {
  const { requests, orders } = result;
  const durationS = (result.loadEndedAt - result.startedAt) / 1000;
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of requests) byOutcome[r.outcome] += 1;
  const errors = requests.filter(isError);
  const routes = new Map<string, RequestRecord[]>();
  for (const r of requests) {
    const key = `${r.method} ${r.route}`;
    const list = routes.get(key) ?? [];
    list.push(r);
    routes.set(key, list);
  }
  const codes = new Map<string, number>();
  for (const r of errors) {
    const code = `${r.status || r.outcome} ${r.code ?? ''}`.trim();
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  const ordersByOutcome: Record<string, number> = {};
  for (const o of orders) ordersByOutcome[orderOutcomeOf(o)] = (ordersByOutcome[orderOutcomeOf(o)] ?? 0) + 1;
  const sagas = orders.flatMap((o) => (o.sagaMs === undefined ? [] : [o.sagaMs]));
  const all = requests.map((r) => r.ms);
  return {
    durationS,
    offeredRate: result.options.rate,
    requests: requests.length,
    requestsPerSecond: durationS > 0 ? requests.filter((r) => r.startedAt < result.loadEndedAt).length / durationS : 0,
    byOutcome,
    errors: errors.length,
    errorRate: requests.length ? errors.length / requests.length : 0,
    latency: { p50: percentile(all, 50), p90: percentile(all, 90), p99: percentile(all, 99), max: Math.max(0, ...all) },
    routes: [...routes.entries()]
      .map(([key, rs]) => {
        const [method, route] = key.split(' ') as [string, string];
        const ms = rs.map((r) => r.ms);
        const ok = rs.filter((r) => !isError(r)).length;
        return { method, route, count: rs.length, ok, errors: rs.length - ok, p50: percentile(ms, 50), p99: percentile(ms, 99) };
      })
      .sort((a, b) => b.count - a.count),
    errorsByCode: [...codes.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count),
    orders: {
      placed: orders.length,
      byOutcome: ordersByOutcome,
      notFinal: orders.filter((o) => o.terminalSeenAt === undefined).map((o) => o.orderId),
      sagaP50: percentile(sagas, 50),
      sagaP99: percentile(sagas, 99),
    },
  };
}

/** The run's verdict: the invariants, every order final, idempotent retries, and the error budget if one was set. */
export interface Verdict {
  passed: boolean;
  failures: string[];
  /** Undefined when the invariants were not checked (no database given). */
  violations?: Violation[];
  /** The error budget judged, if one was given. */
  maxErrorRate?: number;
}

export function verdictOf(
  summary: LoadSummary,
  input: { violations?: Violation[]; maxErrorRate?: number; auditError?: string },
): Verdict {
  const failures: string[] = [];
  if (input.auditError) failures.push(`the invariants could not be audited: ${input.auditError}`);
  if (input.violations?.length) failures.push(`${input.violations.length} invariant violation(s)`);
  if (summary.orders.notFinal.length) failures.push(`${summary.orders.notFinal.length} order(s) not final in time`);
  if (summary.byOutcome.mismatch) failures.push(`${summary.byOutcome.mismatch} idempotent retr(y/ies) answered another order`);
  if (input.maxErrorRate !== undefined && summary.errorRate > input.maxErrorRate)
    failures.push(
      `error rate ${(summary.errorRate * 100).toFixed(2)} % over the allowed ${(input.maxErrorRate * 100).toFixed(2)} %`,
    );
  return {
    passed: failures.length === 0,
    failures,
    ...(input.violations ? { violations: input.violations } : {}),
    ...(input.maxErrorRate !== undefined ? { maxErrorRate: input.maxErrorRate } : {}),
  };
}

export const fmtMs = (v: number): string => (Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : v.toFixed(0)) : '-');

/** The summary as plain text: a few lines and two tables. */
export function formatSummary(result: LoadResult, s: LoadSummary, verdict: Verdict): string {
  const pct = (n: number) => `${((n / Math.max(1, s.requests)) * 100).toFixed(2)} %`;
  const lines = [
    `load ${result.runId}: ${s.durationS.toFixed(0)} s at ${s.offeredRate} sessions/s (seed ${result.options.seed}), ` +
      `${result.sessions.started} sessions (${result.sessions.dropped} dropped, ${result.sessions.late} late, ` +
      `${result.sessions.noShopper} without a free shopper), ${result.shoppers} shoppers, ${result.products} products`,
    `requests ${s.requests} (${s.requestsPerSecond.toFixed(1)}/s): ` +
      Object.entries(s.byOutcome)
        .filter(([, n]) => n > 0)
        .map(([o, n]) => `${o} ${n}`)
        .join(', ') +
      `; errors ${s.errors} (${pct(s.errors)})`,
    `latency ms p50 ${fmtMs(s.latency.p50)} p90 ${fmtMs(s.latency.p90)} p99 ${fmtMs(s.latency.p99)} max ${fmtMs(s.latency.max)}`,
    '',
    `${'route'.padEnd(40)} ${'count'.padStart(7)} ${'errors'.padStart(7)} ${'p50'.padStart(7)} ${'p99'.padStart(7)}`,
    ...s.routes.map(
      (r) =>
        `${`${r.method} ${r.route}`.padEnd(40)} ${String(r.count).padStart(7)} ${String(r.errors).padStart(7)} ${fmtMs(r.p50).padStart(7)} ${fmtMs(r.p99).padStart(7)}`,
    ),
    '',
    `orders ${s.orders.placed}: ` +
      Object.entries(s.orders.byOutcome)
        .map(([o, n]) => `${o} ${n}`)
        .join(', ') +
      `; saga ms p50 ${fmtMs(s.orders.sagaP50)} p99 ${fmtMs(s.orders.sagaP99)}`,
    ...(s.errorsByCode.length ? ['errors by code: ' + s.errorsByCode.map((e) => `${e.code} ×${e.count}`).join(', ')] : []),
    verdict.violations === undefined ? 'invariants: not checked' : `invariants: ${verdict.violations.length} violation(s)`,
    ...(verdict.violations ?? []).slice(0, 20).map((v) => `  invariant ${v.invariant} ${v.rule} ${v.subject}: ${v.detail}`),
    verdict.passed
      ? `verdict: PASS${verdict.maxErrorRate === undefined && s.errors > 0 ? ` (the ${s.errors} failed requests not judged: no --max-error-rate)` : ''}`
      : `verdict: FAIL (${verdict.failures.join('; ')})`,
  ];
  return lines.join('\n');
}
