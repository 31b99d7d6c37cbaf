import type { Violation } from '../invariants/invariant-rules';
import type { LoadResult, LoadSummary, Verdict } from '../load';
import type { AppliedFault } from './fault-actions';
import { recoveryMs, type HealthSample } from './health-watch';
import { describeFault, type FaultKind, type PlannedFault } from './nemesis';

/** Outcomes that are a request failed (not a business answer such as 409 out of stock or 402 declined). */
export const FAILED_OUTCOMES = new Set(['server-error', 'timeout', 'network', 'mismatch']);

export interface KindFigures {
  kind: FaultKind;
  applied: number;
  skipped: number;
  /** Recovery of its faults (ms from the fault's end to what it took down ready again: {@link affectedBy}). */
  recoveryP50Ms?: number;
  recoveryMaxMs?: number;
  /** Faults after which what they took down never became ready again. */
  unrecovered: number;
}

export interface ShareFigures {
  requests: number;
  failed: number;
  share: number;
}

export interface ChaosFigures {
  faults: Array<AppliedFault & { recoveryMs?: number }>;
  byKind: KindFigures[];
  /** Requests started while at least one fault was held (from its start to its end plus recovery), and the others. */
  duringFaults: ShareFigures;
  afterFaults: ShareFigures;
  /** Requests the client gave up on (no answer within its deadline). */
  hung: number;
  worstRecoveryMs?: number;
  orders: { accepted: number; confirmed: number; cancelledByReason: Record<string, number>; notFinal: string[] };
  deadLetters: DeadLetterFigures;
  /** The invariant audit's findings (the orders and SKUs involved). */
  violations: Violation[];
}

/** The dead letters of the run: the injected poisons' (explained), others, and poisons no dead letter was found for. */
export interface DeadLetterFigures {
  explained: number;
  unexplained: string[];
  missing: string[];
}

export interface ChaosVerdict {
  passed: boolean;
  failures: string[];
  figures: ChaosFigures;
}

const percentile = (values: readonly number[], p: number): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const shareOf = (requests: LoadResult['requests']): ShareFigures => {
  const failed = requests.filter((r) => FAILED_OUTCOMES.has(r.outcome)).length;
  return { requests: requests.length, failed, share: requests.length ? failed / requests.length : 0 };
};

/**
 * The instances a fault takes down, whose readiness says it is over: its target; an app's
 * instances; everything for the broker (every service consumes). A poison takes nothing down
 * (its consumers dead-letter it and go on), an RPC fault only slows or cuts its callers.
 */
export function affectedBy(fault: PlannedFault, instances: readonly string[]): readonly string[] | 'all' {
  switch (fault.kind) {
    case 'kafka-restart':
      return 'all';
    case 'pg-terminate':
    case 'slow-consumer':
      return instances.filter((id) => id === fault.target || new RegExp(`^${fault.target}-\\d+$`).test(id));
    case 'poison':
      return [];
    case 'kill':
    case 'pause':
    case 'redis-partition':
    case 'rpc-latency':
    case 'rpc-loss':
    case 'rpc-partition':
      return [fault.target];
  }
}

export interface ChaosVerdictInput {
  seed: number;
  /** Every instance id of the platform. */
  instances: readonly string[];
  faults: readonly AppliedFault[];
  samples: readonly HealthSample[];
  result: LoadResult;
  summary: LoadSummary;
  /** The load's own verdict: invariants audited, orders final, idempotent retries. */
  loadVerdict: Verdict;
  /** Kinds this run had to apply at least once (the test's "every kind"). */
  requiredKinds: readonly FaultKind[];
  deadLetters: DeadLetterFigures;
}

/**
 * The run's verdict: the load's (invariants clean, every order final, no idempotency mismatch),
 * and the nemesis's own: every required kind applied, no request hung, what each fault took down ready again
 * after every fault, every dead letter one of the injected poisons.
 */
export function chaosVerdictOf(input: ChaosVerdictInput): ChaosVerdict {
  const { result, summary } = input;
  const faults = input.faults.map((f) => ({
    ...f,
    recoveryMs: f.outcome === 'applied' ? recoveryMs(input.samples, f.endedAt, affectedBy(f, input.instances)) : undefined,
  }));
  const applied = faults.filter((f) => f.outcome === 'applied');
  const kinds = [...new Set([...input.requiredKinds, ...faults.map((f) => f.kind)])];
  const byKind = kinds.map((kind): KindFigures => {
    const mine = faults.filter((f) => f.kind === kind);
    const recoveries = mine.flatMap((f) => (f.recoveryMs === undefined ? [] : [f.recoveryMs]));
    return {
      kind,
      applied: mine.filter((f) => f.outcome === 'applied').length,
      skipped: mine.filter((f) => f.outcome === 'skipped').length,
      recoveryP50Ms: percentile(recoveries, 50),
      recoveryMaxMs: percentile(recoveries, 100),
      unrecovered: mine.filter((f) => f.outcome === 'applied' && f.recoveryMs === undefined).length,
    };
  });
  // a request counts as under a fault from the fault's start until what it took down was ready again
  const windows = applied.map((f) => [f.startedAt, f.endedAt + (f.recoveryMs ?? Infinity)] as const);
  const underFault = (at: number) => windows.some(([from, to]) => at >= from && at <= to);
  const during = result.requests.filter((r) => underFault(r.startedAt));
  const after = result.requests.filter((r) => !underFault(r.startedAt));
  const cancelledByReason: Record<string, number> = {};
  for (const o of result.orders) {
    if (o.terminalSeenAt !== undefined && o.status === 'CANCELLED') {
      const reason = o.reason ?? '?';
      cancelledByReason[reason] = (cancelledByReason[reason] ?? 0) + 1;
    }
  }
  const figures: ChaosFigures = {
    faults,
    byKind,
    duringFaults: shareOf(during),
    afterFaults: shareOf(after),
    hung: result.requests.filter((r) => r.outcome === 'timeout').length,
    worstRecoveryMs: percentile(
      applied.flatMap((f) => (f.recoveryMs === undefined ? [] : [f.recoveryMs])),
      100,
    ),
    orders: {
      accepted: result.orders.length,
      confirmed: result.orders.filter((o) => o.terminalSeenAt !== undefined && o.status === 'CONFIRMED').length,
      cancelledByReason,
      notFinal: summary.orders.notFinal,
    },
    deadLetters: input.deadLetters,
    violations: input.loadVerdict.violations ?? [],
  };

  const failures = [...input.loadVerdict.failures];
  const missing = byKind.filter((k) => input.requiredKinds.includes(k.kind) && k.applied === 0).map((k) => k.kind);
  if (missing.length) failures.push(`fault kind(s) never applied: ${missing.join(', ')}`);
  if (figures.hung) failures.push(`${figures.hung} request(s) hung past the client's deadline`);
  const unrecovered = faults.filter((f) => f.outcome === 'applied' && f.recoveryMs === undefined);
  if (unrecovered.length)
    failures.push(
      `what it took down was not ready again after: ${unrecovered.map((f) => `#${f.n} ${describeFault(f)}`).join('; ')}`,
    );
  if (input.deadLetters.unexplained.length)
    failures.push(
      `${input.deadLetters.unexplained.length} dead letter(s) not injected: ${input.deadLetters.unexplained.join('; ')}`,
    );
  if (input.deadLetters.missing.length)
    failures.push(`poison taken or lost (no dead letter): ${input.deadLetters.missing.join('; ')}`);
  return { passed: failures.length === 0, failures, figures };
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
const pct = (s: ShareFigures): string => `${s.failed}/${s.requests} (${(s.share * 100).toFixed(2)} %)`;

/** The fault timeline, one line per fault: what a failed run prints so it can be replayed. */
export function formatTimeline(faults: ChaosFigures['faults'], t0: number): string {
  return faults
    .map(
      (f) =>
        `  #${String(f.n).padStart(3)} +${((f.startedAt - t0) / 1000).toFixed(1).padStart(6)} s  ${describeFault(f)}` +
        `  ${f.outcome === 'skipped' ? `SKIPPED (${f.detail})` : `${f.detail}; recovered ${seconds(f.recoveryMs)} after`}`,
    )
    .join('\n');
}

/** The verdict's table as text: faults by kind, orders, shares of failed requests, dead letters. */
export function formatChaosVerdict(verdict: ChaosVerdict, seed: number): string {
  const f = verdict.figures;
  const rows = f.byKind.map(
    (k) =>
      `  ${k.kind.padEnd(16)} ${String(k.applied).padStart(4)} applied ${String(k.skipped).padStart(3)} skipped` +
      `   recovery p50 ${seconds(k.recoveryP50Ms).padStart(7)}  max ${seconds(k.recoveryMaxMs).padStart(7)}` +
      (k.unrecovered ? `  ${k.unrecovered} UNRECOVERED` : ''),
  );
  const cancelled = Object.entries(f.orders.cancelledByReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return [
    `chaos verdict (seed ${seed}): ${verdict.passed ? 'PASS' : 'FAIL'}`,
    'faults by kind:',
    ...rows,
    `orders: ${f.orders.accepted} accepted, ${f.orders.confirmed} confirmed, cancelled: ${cancelled || 'none'}, not final: ${f.orders.notFinal.length}`,
    `requests failed while a fault was held or recovering: ${pct(f.duringFaults)}; otherwise: ${pct(f.afterFaults)}; hung: ${f.hung}`,
    `worst recovery: ${seconds(f.worstRecoveryMs)}; dead letters: ${f.deadLetters.explained} explained (injected poison), ${f.deadLetters.unexplained.length} unexplained`,
    ...verdict.failures.map((failure) => `FAIL: ${failure}`),
  ].join('\n');
}
