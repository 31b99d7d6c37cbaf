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
import { platformPlan } from '../../tools/platform/plan';
import { DEFAULT_SUPERVISION_POLICY } from '../../tools/platform/supervision-policy';
import { Supervisor } from '../../tools/platform/supervisor';
import { preparePlatform, type PreparedPlatform } from './platform';
import { PrivateKafka } from './private-kafka';
import type { CheckoutService, MigrateDatabase } from './service-databases';

/** The platform as `npm run up` runs it, under a supervisor, on a suite's own databases and Kafka broker. */
export interface SupervisedPlatform {
  kafka: PrivateKafka;
  platform: PreparedPlatform;
  supervisor: Supervisor;
  /** Stops every instance, drops the databases, destroys the broker. */
  stop(): Promise<void>;
}

export interface SupervisedPlatformOptions {
  /** Instances per app (`npm run up --scale`); two gateways unless it says. */
  scale?: ReadonlyMap<string, number>;
  /** The script an app runs, read at each start (an earlier release's build, say). */
  scriptOf?: (app: string) => string | undefined;
  /** A service's migrations in place of its current ones. */
  migrations?: Partial<Record<CheckoutService, MigrateDatabase>>;
  /** A fault point on every link of every instance (`Supervisor.setFault`), as `npm run up` runs them. */
  faultPoints?: boolean;
}

/**
 * tools/platform/plan.ts's platform: every service in the Redis registry, the gateways behind the
 * supervisor's balancer, each app a real process, on the suite's own databases (inventory seeded),
 * Redis namespace and Kafka broker. Drains outlast the callers' registry refresh, so a stopping
 * instance gets no new call.
 */
export async function startSupervisedPlatform(
  suite: string,
  options: SupervisedPlatformOptions = {},
): Promise<SupervisedPlatform> {
  const kafka = await PrivateKafka.create();
  let platform: PreparedPlatform | undefined;
  let supervisor: Supervisor | undefined;
  const runDir = mkdtempSync(join(tmpdir(), `shopmesh-${suite}-`));
  const stop = async () => {
    await supervisor?.stop({ instances: true });
    await platform?.dropAll();
    await kafka.destroy();
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const [prepared] = await Promise.all([
      preparePlatform(
        suite,
        {
          KAFKA_BROKERS: kafka.brokers,
          REGISTRY_NAMESPACE: `${suite}-${randomBytes(4).toString('hex')}`,
          REGISTRY_TTL_MS: '3000',
          // longer than the callers' registry refresh (1 s): a deregistered instance gets no new call before it stops
          SHUTDOWN_DRAIN_MS: '2000',
          RPC_TIMEOUT_MS: '5000',
          LOG_LEVEL: 'warn',
        },
        options.migrations,
      ),
      kafka.start(),
    ]);
    platform = prepared;
    await seedInventory({ ...platform.env });
    const plan = platformPlan(platform.env, options.scale);
    supervisor = new Supervisor({
      instances: plan.instances,
      balancer: { ...plan.balancer, host: '127.0.0.1' },
      releaseSets: plan.releaseSets,
      childEnv: { PATH: process.env.PATH ?? '', ...platform.env },
      cwd: REPO_ROOT,
      scriptOf: (app, dist) => options.scriptOf?.(app) ?? resolve(REPO_ROOT, dist, `apps/${app}/src/main.js`),
      logDir: join(runDir, 'logs'),
      host: '127.0.0.1',
      port: 0,
      policy: { ...DEFAULT_SUPERVISION_POLICY, restartDelayMs: 500, maxRestartDelayMs: 2000 },
      faultPoints: options.faultPoints,
    });
    await supervisor.start();
    return { kafka, platform, supervisor, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** Requests that failed from a shopper's side: not business answers (409 out of stock, 402 declined…). */
export const failedOf = (result: LoadResult) =>
  result.requests.filter((r) => ['server-error', 'timeout', 'network', 'mismatch', 'rate-limited'].includes(r.outcome));

/** The demo catalogue as the load generator shops it (no catalogue read at its start). */
export const SHOPPER_PRODUCTS = DEMO_PRODUCTS.map((p) => ({
  id: p.id,
  name: p.name,
  category: p.category,
  price: { amount: p.priceAmount, currency: p.priceCurrency },
}));

/**
 * Runs the load generator's shopper mix through the balancer until `during` resolves, then lets
 * every order become final; prints and answers the figures, the verdict (invariants audited on the
 * platform's databases) and the report (`.run/reports/<name>.html`).
 */
export async function underShopperLoad(
  { supervisor, platform }: SupervisedPlatform,
  name: string,
  during: (mark: (label: string, at?: number) => void) => Promise<void>,
) {
  const events: LoadEvent[] = [];
  const abort = new AbortController();
  const load = runLoad({
    gatewayUrl: supervisor.balancerUrl ?? '',
    rate: 6,
    durationMs: 600_000,
    seed: 7,
    products: SHOPPER_PRODUCTS,
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
