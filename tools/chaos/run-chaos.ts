import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICES, SERVICE_NAMES, uses } from '@shopmesh/config';
import { DlqHeaders } from '@shopmesh/messaging';
import { Kafka, logLevel } from 'kafkajs';
import type { AuditConnection } from '../invariants/read-audit-rows';
import { concludeLoad, renderReport, runLoad, type LoadOptions, type LoadSpan } from '../load';
import type { ChaosPlatform } from './chaos-platform';
import { chaosSections } from './chaos-report';
import { applyFault, type AppliedFault, type FaultContext } from './fault-actions';
import { HealthWatch } from './health-watch';
import { describeFault, FAULT_KINDS, planFaults, POINT_KINDS, type FaultKind, type PlannedFault, type Topology } from './nemesis';
import { deadLettersSince, explainDeadLetters, POISONABLE_TOPICS } from './poison';
import { chaosVerdictOf, type ChaosVerdict } from './verdict';

export interface ChaosOptions {
  platform: ChaosPlatform;
  seed: number;
  /** How long the load runs; faults start and end within it, the last `tailMs` before its end is recovery. */
  durationMs: number;
  /** Shopper sessions per second (open loop). */
  rate: number;
  /** The kinds to inject (default: every kind this platform allows). */
  kinds?: readonly FaultKind[];
  /** Fail unless each of `kinds` was applied at least once (a short run's test). */
  requireEveryKind?: boolean;
  meanGapMs?: number;
  maxConcurrent?: number;
  tailMs?: number;
  /** The load generator's options besides rate, duration and seed (shoppers, tokens, settle, products…). */
  load?: Partial<Omit<LoadOptions, 'gatewayUrl' | 'rate' | 'durationMs' | 'seed' | 'onStart'>>;
  /** The databases the invariants are audited on. */
  audit: AuditConnection;
  reportPath: string;
  /** Progress lines (the plan, each fault as it starts and ends). */
  say?: (line: string) => void;
  /** Aborting stops new arrivals and new faults and heals those held; the run still concludes. */
  signal?: AbortSignal;
}

export interface ChaosRun {
  seed: number;
  /** Epoch ms of the first arrival: faults' `at` count from it. */
  t0: number;
  plan: PlannedFault[];
  verdict: ChaosVerdict;
  reportPath: string;
  /** The kinds this platform could not have (no fault points, a broker not ours to restart). */
  unavailable: FaultKind[];
}

/** The services whose Kafka consumers write to a database of their own: the checkout saga's (cart's consumer keeps Redis). */
const CONSUMING_DATABASE_APPS = ['orders', 'inventory', 'payments'];

/** What the nemesis can aim at on this platform. */
export function topologyOf(instances: ReadonlyArray<{ id: string; app: string }>): Topology {
  return {
    instances: instances.map(({ id, app }) => ({ id, app })),
    databaseApps: SERVICE_NAMES.filter((name) => uses(name, 'postgres')),
    consumerApps: CONSUMING_DATABASE_APPS,
    rpcApps: SERVICE_NAMES.filter((name) => 'tcpPort' in SERVICES[name]),
    topics: POISONABLE_TOPICS,
  };
}

/**
 * A chaos run: the load generator's shopper mix at a fixed open-loop rate while the nemesis
 * applies its seeded faults, a look at the platform's health every second, then the verdict
 * (the invariant audit, orders, recovery, dead letters) and the HTML report with the faults on
 * the time charts.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosRun> {
  const say = options.say ?? (() => undefined);
  const { platform } = options;
  const status = await platform.status();
  const points = await platform.faultPoints();
  const unavailable = FAULT_KINDS.filter(
    (k) => (!points && POINT_KINDS.includes(k)) || (k === 'kafka-restart' && !platform.kafka),
  );
  const kinds = options.kinds ?? FAULT_KINDS.filter((k) => !unavailable.includes(k));
  const impossible = kinds.filter((k) => unavailable.includes(k));
  if (impossible.length)
    throw new Error(`this platform cannot have ${impossible.join(', ')} (no fault points, or a broker not this run's)`);
  const plan = planFaults(topologyOf(status.instances), {
    seed: options.seed,
    durationMs: options.durationMs,
    kinds,
    meanGapMs: options.meanGapMs,
    maxConcurrent: options.maxConcurrent,
    tailMs: options.tailMs,
  });
  say(`chaos: seed ${options.seed}, ${plan.length} faults over ${(options.durationMs / 1000).toFixed(0)} s`);
  for (const f of plan) say(`  #${String(f.n).padStart(3)} +${(f.at / 1000).toFixed(1).padStart(6)} s  ${describeFault(f)}`);

  const kafka = new Kafka({ clientId: 'shopmesh-chaos', brokers: platform.kafkaBrokers, logLevel: logLevel.NOTHING });
  const context: FaultContext = { platform, kafka, runId: randomBytes(3).toString('hex'), poisons: [], heals: new Set() };
  const watch = new HealthWatch(platform);
  const loadAbort = new AbortController();
  const stopAll = () => loadAbort.abort();
  options.signal?.addEventListener('abort', stopAll, { once: true });
  let started: (at: number) => void = () => undefined;
  const startedAt = new Promise<number>((resolve) => (started = resolve));
  watch.start();
  const load = runLoad({
    settleMs: 60_000,
    ...options.load,
    gatewayUrl: platform.gatewayUrl,
    rate: options.rate,
    durationMs: options.durationMs,
    seed: options.seed,
    signal: loadAbort.signal,
    onStart: started,
  });
  let applied: AppliedFault[] = [];
  let t0 = Date.now();
  try {
    t0 = await Promise.race([startedAt, load.then(() => Date.now())]);
    applied = await Promise.all(
      plan.map(async (fault): Promise<AppliedFault> => {
        await sleep(Math.max(0, t0 + fault.at - Date.now()));
        if (loadAbort.signal.aborted)
          return { ...fault, startedAt: Date.now(), endedAt: Date.now(), outcome: 'skipped', detail: 'run stopped' };
        say(`chaos: +${((Date.now() - t0) / 1000).toFixed(1)} s #${fault.n} ${describeFault(fault)}`);
        try {
          return await applyFault(fault, context);
        } catch (error) {
          const detail = `failed: ${error instanceof Error ? error.message : String(error)}`;
          say(`chaos: #${fault.n} ${detail}`);
          return { ...fault, startedAt: Date.now(), endedAt: Date.now(), outcome: 'skipped', detail };
        }
      }),
    );
  } finally {
    // whatever happened, nothing stays broken
    await Promise.all([...context.heals].map((heal) => heal().catch(() => undefined)));
  }
  say('chaos: every fault healed; the load settles (every order followed until final)');
  const result = await load;
  watch.stop();
  options.signal?.removeEventListener('abort', stopAll);

  const letters = await deadLettersSince(kafka, POISONABLE_TOPICS, t0);
  const explained = explainDeadLetters(letters, context.poisons);
  const { summary, verdict: loadVerdict } = await concludeLoad(result, { audit: options.audit });
  const verdict = chaosVerdictOf({
    seed: options.seed,
    instances: status.instances.map((i) => i.id),
    faults: applied,
    samples: watch.samples,
    result,
    summary,
    loadVerdict,
    requiredKinds: options.requireEveryKind ? kinds : [],
    deadLetters: {
      explained: explained.explained.length,
      unexplained: explained.unexplained.map(
        (l) => `${l.headers[DlqHeaders.originalTopic] ?? '?'} key ${l.key ?? '-'}: ${l.headers[DlqHeaders.error] ?? '?'}`,
      ),
      missing: explained.missing.map((p) => `${p.topic} key ${p.key}`),
    },
  });
  const spans: LoadSpan[] = verdict.figures.faults
    .filter((f) => f.outcome === 'applied')
    .map((f) => ({
      start: f.startedAt,
      end: Math.max(f.endedAt, f.startedAt + 500),
      label: `#${f.n} ${describeFault(f)}`,
      kind: f.kind,
    }));
  const html = renderReport({
    result,
    summary,
    verdict: { ...loadVerdict, passed: verdict.passed, failures: verdict.failures },
    spans,
    extraSections: chaosSections(verdict, options.seed, t0, watch.samples),
  });
  mkdirSync(dirname(options.reportPath), { recursive: true });
  writeFileSync(options.reportPath, html);
  return { seed: options.seed, t0, plan, verdict, reportPath: options.reportPath, unavailable };
}
