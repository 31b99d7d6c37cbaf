import { resolve } from 'node:path';
import { REPO_ROOT, pgConnectionOf } from '@shopmesh/testing';
import { auditConnectionOf } from '../../tools/invariants/audit-invariants';
import { supervisedChaosPlatform } from '../../tools/chaos/chaos-platform';
import { FAULT_KINDS } from '../../tools/chaos/nemesis';
import { runChaos, type ChaosRun } from '../../tools/chaos/run-chaos';
import { formatChaosVerdict, formatTimeline } from '../../tools/chaos/verdict';
import { SHOPPER_PRODUCTS, startSupervisedPlatform, type SupervisedPlatform } from './supervised-platform';

const SEED = 42;

/**
 * Ninety seconds of chaos, nothing lost: the platform as `npm run up -- --scale orders=2,inventory=2`
 * runs it (supervisor, balancer, fault points, two orders and two inventory instances, a private
 * broker), the load generator's shopper mix at a fixed open-loop rate, and the nemesis applying every
 * fault kind at least once at seeded random moments, several at once at times: kill -9, SIGSTOP,
 * the broker restarted, a service's Postgres connections terminated, Redis partitioned from an
 * instance, latency / loss / a partition in front of an instance's RPC port, a slow consumer, a poison
 * message. The verdict: the invariant audit clean, every order final, no request hung, the platform
 * whole again after each fault, the only dead letters the injected poisons.
 */
describe('chaos: random faults under checkout load (real processes, private Kafka)', () => {
  let running: SupervisedPlatform;
  let run: ChaosRun;

  beforeAll(async () => {
    running = await startSupervisedPlatform('chaos', {
      scale: new Map([
        ['orders', 2],
        ['inventory', 2],
      ]),
      faultPoints: true,
    });
  }, 240_000);

  afterAll(async () => {
    await running?.stop();
  }, 90_000);

  it(`applies every fault kind (seed ${SEED}) and the invariants hold, every order final, every fault recovered`, async () => {
    const { platform, supervisor, kafka } = running;
    run = await runChaos({
      platform: supervisedChaosPlatform({
        supervisorUrl: supervisor.url,
        gatewayUrl: supervisor.balancerUrl ?? '',
        kafkaBrokers: kafka.brokers.split(','),
        postgres: pgConnectionOf(platform.env),
        databases: { ...platform.databases },
        kafka: { stop: () => kafka.stop(), start: () => kafka.start() },
      }),
      seed: SEED,
      durationMs: 90_000,
      rate: 6,
      requireEveryKind: true,
      load: {
        products: SHOPPER_PRODUCTS,
        // tok_timeout waits out the step deadline: a saga outcome, not a fault's
        paymentTokens: { tok_visa: 70, tok_decline: 15, tok_flaky: 15 },
        shoppers: 10,
        settleMs: 60_000,
      },
      audit: auditConnectionOf(platform.env, platform.databases),
      reportPath: resolve(REPO_ROOT, '.run/reports/chaos.html'),
      say: (line) => void process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`${formatChaosVerdict(run.verdict, SEED)}\n${formatTimeline(run.verdict.figures.faults, run.t0)}\n`);
    const { figures } = run.verdict;
    expect(run.verdict.failures).toEqual([]);
    expect(
      figures.byKind
        .filter((k) => k.applied > 0)
        .map((k) => k.kind)
        .sort(),
    ).toEqual([...FAULT_KINDS].sort());
    expect(figures.violations).toEqual([]);
    expect(figures.orders.notFinal).toEqual([]);
    expect(figures.orders.confirmed).toBeGreaterThan(0);
    expect(figures.hung).toBe(0);
    expect(figures.deadLetters.explained).toBeGreaterThanOrEqual(1);
    expect(figures.deadLetters.unexplained).toEqual([]);
  }, 360_000);
});
