import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDatabaseOf, loadDotEnv, SERVICE_NAMES, uses } from '@shopmesh/config';
import { loadInfraConfig } from '../infra/infra-config';
import { localKafkaPid, startOwnKafka, stopLocalKafka } from '../infra/kafka/local-kafka';
import { auditConnectionOf } from '../invariants/audit-invariants';
import { parseDuration, positive, runCli, UsageError } from '../cli/cli-args';
import { formatProgress } from '../load/progress';
import { runningSupervisor } from '../platform/supervisor-process';
import { supervisedChaosPlatform } from './chaos-platform';
import { FAULT_DESCRIPTIONS, FAULT_KINDS, type FaultKind } from './nemesis';
import { runChaos } from './run-chaos';
import { formatChaosVerdict, formatTimeline } from './verdict';

const USAGE = `usage: npm run chaos -- --duration 10m --seed 7 [options]
  against the platform \`npm run up -- --scale orders=2,inventory=2\` started (its supervisor, fault points and broker)
  --duration D        how long the load runs; faults start and end within it, its last --tail is recovery   [10m]
  --seed N            the seed of the faults and the load: the same seed replays the same run             [1]
  --rate N            shopper sessions per second (open loop)                                              [8]
  --mean-gap D        mean time between two faults once every kind had its turn                            [8s]
  --max-concurrent N  faults held at once at most                                                          [3]
  --kinds K,...       the kinds to inject (default: every kind this platform allows)
  --tail D            quiet end of the run: every fault healed, recovery seen                              [15s]
  --settle D          after the load, how long to wait for every order to be final                         [60s]
  --gateway URL       where the load goes                                                   [http://localhost:3000]
  --report PATH       the HTML report                                                    [.run/chaos/<timestamp>.html]
fault kinds:
${FAULT_KINDS.map((k) => `  ${k.padEnd(16)} ${FAULT_DESCRIPTIONS[k]}`).join('\n')}
Exit code: 0 on PASS; 1 on any violation (the seed and the fault timeline are printed); 2 on bad usage or setup.`;

const positiveInt = (value: string | undefined, fallback: number, flag: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag}: expected a positive integer, got "${value}"`);
  return n;
};

export function parseKinds(value: string | undefined): FaultKind[] | undefined {
  if (value === undefined) return undefined;
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (unknown.length || kinds.length === 0)
    throw new UsageError(`--kinds: unknown kind(s) ${unknown.join(', ') || '(none given)'}; one of ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      'mean-gap': { type: 'string' },
      'max-concurrent': { type: 'string' },
      kinds: { type: 'string' },
      tail: { type: 'string' },
      settle: { type: 'string' },
      gateway: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const durationMs = parseDuration(values.duration ?? '10m', '--duration');
  const tailMs = parseDuration(values.tail ?? '15s', '--tail');
  if (durationMs <= tailMs + 5000) throw new UsageError('--duration: longer than --tail plus 5 s, please');
  const seed = positiveInt(values.seed, 1, '--seed');
  const kinds = parseKinds(values.kinds);
  loadDotEnv();
  const supervisor = runningSupervisor();
  if (!supervisor) throw new Error('no supervisor runs: start the platform first (npm run up -- --scale orders=2,inventory=2)');
  const env = { ...process.env };
  const infra = loadInfraConfig();
  // the broker is this run's to restart only if the launcher started it (never a shared or Compose one)
  const ownBroker = localKafkaPid(infra) !== undefined;
  const databases = Object.fromEntries(
    SERVICE_NAMES.filter((name) => uses(name, 'postgres')).map((name) => [
      name,
      env[`${name.toUpperCase()}_DB_NAME`] ?? defaultDatabaseOf(name),
    ]),
  );
  const platform = supervisedChaosPlatform({
    supervisorUrl: supervisor.url,
    gatewayUrl: values.gateway ?? 'http://localhost:3000',
    kafkaBrokers: infra.kafka.brokers,
    postgres: infra.postgres,
    databases,
    kafka: ownBroker
      ? { stop: async () => void (await stopLocalKafka(infra)), start: () => startOwnKafka(infra, 90_000) }
      : undefined,
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reportPath = resolve(values.report ?? `.run/chaos/${stamp}.html`);
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping: no new fault or arrival; healing, then the verdict (Ctrl-C again to quit)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const say = (line: string) => void process.stdout.write(`${line}\n`);
  if (!ownBroker) say("chaos: the broker was not started by this checkout's launcher: no kafka-restart faults");
  const run = await runChaos({
    platform,
    seed,
    durationMs,
    rate: positive(values.rate, 8, '--rate'),
    kinds,
    meanGapMs: parseDuration(values['mean-gap'] ?? '8s', '--mean-gap'),
    maxConcurrent: positiveInt(values['max-concurrent'], 3, '--max-concurrent'),
    tailMs,
    load: {
      settleMs: parseDuration(values.settle ?? '60s', '--settle'),
      onProgress: (p) => process.stderr.write(`${formatProgress(p)}\n`),
    },
    audit: auditConnectionOf(env, databases),
    reportPath,
    say,
    signal: controller.signal,
  });
  if (run.unavailable.length) say(`not on this platform: ${run.unavailable.join(', ')}`);
  say(formatChaosVerdict(run.verdict, seed));
  if (!run.verdict.passed) {
    say(`replay: npm run chaos -- --seed ${seed} --duration ${values.duration ?? '10m'} (same rate and kinds)`);
    say('fault timeline:');
    say(formatTimeline(run.verdict.figures.faults, run.t0));
    const involved = [...run.verdict.figures.orders.notFinal];
    if (involved.length) say(`orders not final: ${involved.join(', ')}`);
    for (const v of run.verdict.figures.violations) say(`invariant ${v.invariant} ${v.rule}: ${v.subject}: ${v.detail}`);
  }
  say(`report: ${run.reportPath}`);
  return run.verdict.passed ? 0 : 1;
}

if (require.main === module) runCli(main, USAGE);
