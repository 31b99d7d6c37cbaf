import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { REPO_ROOT } from '@shopmesh/testing';
import { seedInventory } from '../../apps/inventory/src/seed/seed';
import { auditConnectionOf } from '../../tools/invariants/audit-invariants';
import { concludeLoad, runLoad, type LoadEvent, type LoadResult } from '../../tools/load';
import { APPS } from '../../tools/platform/apps';
import { platformPlan } from '../../tools/platform/plan';
import { DEFAULT_SUPERVISION_POLICY } from '../../tools/platform/supervision-policy';
import type { ReleaseReport } from '../../tools/platform/release-options';
import { Supervisor } from '../../tools/platform/supervisor';
import { preparePlatform, type PreparedPlatform } from './platform';
import { PrivateKafka } from './private-kafka';

/** Requests that failed from a shopper's side: not business answers (409 out of stock, 402 declined…). */
const failedOf = (result: LoadResult) =>
  result.requests.filter((r) => ['server-error', 'timeout', 'network', 'mismatch', 'rate-limited'].includes(r.outcome));

const alive = (pid: number | undefined): boolean => {
  try {
    return pid !== undefined && process.kill(pid, 0);
  } catch {
    return false;
  }
};

/**
 * The platform as `npm run up` runs it (tools/platform/plan.ts): every service in the Redis
 * registry, two gateways behind the supervisor's balancer, each app a real process from dist/, on
 * the suite's own databases, Redis namespace and Kafka broker. Upgrades under the load generator's
 * shopper mix — a rolling restart of every app, then blue-green releases of the whole platform (one
 * broken and rolled back, one good) — must fail no request, leave every order final and the invariants clean.
 */
describe('zero-downtime upgrades under checkout load (real processes, private Kafka)', () => {
  let kafka: PrivateKafka;
  let platform: PreparedPlatform;
  let supervisor: Supervisor;
  let runDir: string;

  beforeAll(async () => {
    kafka = await PrivateKafka.create();
    [platform] = await Promise.all([
      preparePlatform('rolling', {
        KAFKA_BROKERS: kafka.brokers,
        REGISTRY_NAMESPACE: `rolling-${randomBytes(4).toString('hex')}`,
        REGISTRY_TTL_MS: '3000',
        // longer than the callers' registry refresh (1 s): a deregistered instance gets no new call before it stops
        SHUTDOWN_DRAIN_MS: '2000',
        RPC_TIMEOUT_MS: '5000',
        LOG_LEVEL: 'warn',
      }),
      kafka.start(),
    ]);
    await seedInventory({ ...platform.env });
    runDir = mkdtempSync(join(tmpdir(), 'shopmesh-rolling-'));
    const plan = platformPlan(platform.env);
    supervisor = new Supervisor({
      instances: plan.instances,
      balancer: { ...plan.balancer, host: '127.0.0.1' },
      releaseSets: plan.releaseSets,
      childEnv: { PATH: process.env.PATH ?? '', ...platform.env },
      cwd: REPO_ROOT,
      logDir: join(runDir, 'logs'),
      host: '127.0.0.1',
      port: 0,
      policy: { ...DEFAULT_SUPERVISION_POLICY, restartDelayMs: 500, maxRestartDelayMs: 2000 },
    });
    await supervisor.start();
  }, 240_000);

  afterAll(async () => {
    await supervisor?.stop({ instances: true });
    await platform?.dropAll();
    await kafka?.destroy();
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  }, 90_000);

  const products = DEMO_PRODUCTS.map((p) => ({
    id: p.id,
    name: p.name,
    category: p.category,
    price: { amount: p.priceAmount, currency: p.priceCurrency },
  }));

  /** Runs the shopper mix until `during` resolves, then lets every order become final; the verdict and report. */
  async function underLoad(name: string, during: (mark: (label: string, at?: number) => void) => Promise<void>) {
    const events: LoadEvent[] = [];
    const abort = new AbortController();
    const load = runLoad({
      gatewayUrl: supervisor.balancerUrl ?? '',
      rate: 6,
      durationMs: 600_000,
      seed: 7,
      products,
      // tok_timeout waits out the step deadline: a saga outcome, not an upgrade's
      paymentTokens: { tok_visa: 70, tok_decline: 15, tok_flaky: 15 },
      shoppers: 10,
      settleMs: 30_000,
      signal: abort.signal,
    });
    await sleep(2000);
    try {
      await during((label, at = Date.now()) => events.push({ at, label }));
      await sleep(2000);
    } finally {
      abort.abort();
    }
    const result = await load;
    const reportDir = resolve(REPO_ROOT, '.run/reports');
    mkdirSync(reportDir, { recursive: true });
    const conclusion = await concludeLoad(result, {
      audit: auditConnectionOf(platform.env, platform.databases),
      reportPath: join(reportDir, `${name}.html`),
      events,
    });
    const failed = failedOf(result);
    process.stdout.write(
      `${name}: ${result.requests.length} requests, ${failed.length} failed, ${conclusion.summary.orders.placed} orders ` +
        `${JSON.stringify(conclusion.summary.orders.byOutcome)}; report ${conclusion.reportPath}\n`,
    );
    return { result, failed, ...conclusion };
  }

  it('a rolling restart of every app, one after another (the two gateways included): zero failed requests, every order final, the invariants clean', async () => {
    const restarted: string[] = [];
    const { result, failed, summary, verdict } = await underLoad('rolling-restart', async (mark) => {
      for (const app of APPS) {
        mark(`restart ${app.name}`);
        const done = await supervisor.restartApp(app.name);
        restarted.push(...done.map((d) => d.id));
      }
    });

    expect(restarted).toEqual(supervisor.status().instances.map((i) => i.id));
    expect(restarted).toContain('gateway-2');
    expect(result.sessions).toMatchObject({ dropped: 0 }); // (`aborted`: the arrivals the abort cut off)
    expect(result.requests.length).toBeGreaterThan(200);
    expect(failed).toEqual([]);
    expect(summary.orders.placed).toBeGreaterThan(10);
    expect(summary.orders.notFinal).toEqual([]);
    expect(verdict.violations).toEqual([]);
    // every instance now runs on its surge ports, registered there; nothing restarted on its own
    expect(supervisor.status().instances.filter((i) => i.restarts > 0 || i.phase !== 'ready')).toEqual([]);
  }, 300_000);

  const pids = () => supervisor.status().instances.map((i) => i.pid);

  it('a blue-green release whose orders cannot reach its database is rolled back: the running set serves on untouched, zero failed requests, every order final', async () => {
    const before = pids();
    let rejection: unknown;
    const { result, failed, summary, verdict } = await underLoad('blue-green-rollback', async (mark) => {
      mark('release (orders broken)');
      const broken = { orders: { ORDERS_DB_NAME: `${platform.databases.orders}_missing` } };
      rejection = await supervisor.release({ env: broken }).then(
        () => undefined,
        (error: unknown) => error,
      );
      mark('rolled back');
    });
    process.stdout.write(`blue-green rollback: ${(rejection as Error | undefined)?.message}\n`);

    expect(rejection).toMatchObject({
      code: 'SUPERVISOR.RELEASE_ROLLED_BACK',
      message: expect.stringMatching(/orders: the new process exited/) as unknown,
    });
    expect(supervisor.status()).toMatchObject({ set: 'blue', ready: true });
    expect(pids()).toEqual(before);
    expect(result.requests.length).toBeGreaterThan(50);
    expect(failed).toEqual([]);
    expect(summary.orders.notFinal).toEqual([]);
    expect(verdict.violations).toEqual([]);
  }, 300_000);

  it('a blue-green release of the whole platform switches the balancer to the new set in one step and stops the old one: zero failed requests, every order final, the invariants clean', async () => {
    const before = pids();
    let report: ReleaseReport | undefined;
    const { result, failed, summary, verdict } = await underLoad('blue-green', async (mark) => {
      mark('release');
      report = await supervisor.release();
      mark('switch', Date.parse(report.switchedAt));
      mark('old set stopped');
    });
    const perApp = [...new Set(report?.instances.map((i) => i.app))].map((app) => {
      const of = report?.instances.filter((i) => i.app === app) ?? [];
      return `${app} ${Math.max(...of.map((i) => i.startedAfterSeconds + i.readySeconds)).toFixed(1)} s`;
    });
    process.stdout.write(
      `blue-green: ready after ${perApp.join(', ')}; switched after ${report?.switchedAfterSeconds.toFixed(1)} s, ` +
        `old set drained in ${report?.drainSeconds.toFixed(1)} s\n`,
    );

    expect(supervisor.status()).toMatchObject({ set: 'green', ready: true });
    expect(before.filter(alive)).toEqual([]);
    expect(pids().filter((pid) => before.includes(pid))).toEqual([]);
    expect(supervisor.status().instances.filter((i) => i.restarts > 0 || i.phase !== 'ready')).toEqual([]);
    expect(result.requests.length).toBeGreaterThan(50);
    expect(failed).toEqual([]);
    expect(summary.orders.placed).toBeGreaterThan(5);
    expect(summary.orders.notFinal).toEqual([]);
    expect(verdict.violations).toEqual([]);
  }, 300_000);
});
