import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { REPO_ROOT, pgConnectionOf, waitUntil } from '@shopmesh/testing';
import { migrateOrders } from '../../apps/orders/src/database/migrate';
import { ordersSchema } from '../../apps/orders/src/database/orders.data-source';
import { isAlive } from '../../tools/infra/processes';
import { buildRelease, readPreviousRelease, type ReleaseBuild } from '../../tools/upgrade/previous-release';
import { APPS } from '../../tools/platform/apps';
import type { ReleaseReport } from '../../tools/platform/release-options';
import { startSupervisedPlatform, underShopperLoad, type SupervisedPlatform } from './supervised-platform';

const run = promisify(execFile);

/**
 * Every upgrade, on one platform as `npm run up` runs it (tools/platform/plan.ts: every service in
 * the Redis registry, two gateways behind the supervisor's balancer, each app a real process, on the
 * suite's own databases, Redis namespace and Kafka broker), one after another under the load
 * generator's shopper mix; each must fail no request, leave every order final and the invariants clean:
 * 1. expand/contract: release N of orders (built from git history, deploy/upgrade/previous-release.json)
 *    serves on a database at N's schema; N+1's migration runs while N serves; N+1 starts beside N
 *    (same consumer groups, both in the registry), N drains (SIGTERM), the load goes on against N+1;
 * 2. a rolling restart of every app, the two gateways included;
 * 3. blue-green releases of the whole platform: one broken and rolled back, one good.
 * One platform boot for the three (CI time).
 */
describe('zero-downtime upgrades under checkout load (real processes, private Kafka)', () => {
  const release = readPreviousRelease();
  let build: ReleaseBuild;
  let ordersScript: string;
  let running: SupervisedPlatform;
  let db: Client;

  beforeAll(async () => {
    if (release.app !== 'orders') throw new Error(`this suite upgrades orders, not ${release.app}`);
    build = buildRelease(release.commit, release.app);
    ordersScript = build.main;
    running = await startSupervisedPlatform('upgrades', {
      scriptOf: (app) => (app === 'orders' ? ordersScript : undefined),
      // N's own migration runner: its database is at N's schema
      migrations: {
        orders: (env) =>
          run(process.execPath, [build.migrate], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env } }),
      },
    });
    db = new Client({ ...pgConnectionOf(running.platform.env), database: running.platform.databases.orders });
    await db.connect();
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await running?.stop();
  }, 90_000);

  const migrationNames = async () =>
    (await db.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name);
  const ordersWhere = async (condition: string, params: unknown[] = []) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE ${condition}`, params)).rows[0]?.n);

  it('N serves through N+1’s migration, N+1 takes over beside it: zero failed requests, every order final, the invariants clean', async () => {
    const { supervisor } = running;
    // a migration's class is named as the migration
    const current = (ordersSchema.migrations as ReadonlyArray<{ name: string }>).map((m) => m.name);
    const atN = await migrationNames();
    // N is the old code: its migrations stop short of N+1's
    expect(atN).toEqual(current.filter((name) => name !== release.nextMigration));

    const at: Record<'migrated' | 'nextStarting' | 'previousGone', Date> = {
      migrated: new Date(0),
      nextStarting: new Date(0),
      previousGone: new Date(0),
    };
    let applied: string[] = [];
    let replaced: Array<{ id: string }> = [];
    const { result, failed, summary, verdict } = await underShopperLoad(running, 'expand-contract', async (mark) => {
      await waitUntil('N accepts orders', async () => (await ordersWhere('true')) > 0, { timeoutMs: 30_000 });
      mark(`migrate to N+1 (${release.nextMigration})`);
      applied = await migrateOrders({ ...running.platform.env });
      at.migrated = new Date();
      const since = [at.migrated];
      await waitUntil(
        'N accepts an order on the migrated schema',
        async () => (await ordersWhere('created_at > $1', since)) > 0,
        {
          timeoutMs: 30_000,
        },
      );
      mark('N+1 starts beside N');
      at.nextStarting = new Date();
      ordersScript = resolve(REPO_ROOT, 'dist/apps/orders/src/main.js');
      replaced = await supervisor.restartApp('orders');
      at.previousGone = new Date();
      mark('N drained and gone');
      const gone = [at.previousGone];
      await waitUntil('N+1 accepts orders', async () => (await ordersWhere('created_at > $1', gone)) > 0, { timeoutMs: 30_000 });
    });

    expect(applied).toEqual([release.nextMigration]);
    expect(await migrationNames()).toEqual(current);
    expect(replaced.map((r) => r.id)).toEqual(['orders']);

    // who wrote what: N never sets the new column, N+1 always does
    const figures = {
      byNBeforeMigration: await ordersWhere('origin IS NULL AND created_at <= $1', [at.migrated]),
      byNOnMigratedSchema: await ordersWhere('origin IS NULL AND created_at > $1', [at.migrated]),
      withoutOriginAfterNWasGone: await ordersWhere('origin IS NULL AND created_at > $1', [at.previousGone]),
      withOriginBeforeNPlus1Started: await ordersWhere('origin IS NOT NULL AND created_at < $1', [at.nextStarting]),
      byNPlus1: await ordersWhere('origin IS NOT NULL'),
    };
    process.stdout.write(`expand-contract orders: ${JSON.stringify(figures)}\n`);
    expect(figures.byNBeforeMigration).toBeGreaterThan(0);
    expect(figures.byNOnMigratedSchema).toBeGreaterThan(0);
    expect(figures.withoutOriginAfterNWasGone).toBe(0);
    expect(figures.withOriginBeforeNPlus1Started).toBe(0);
    expect(figures.byNPlus1).toBeGreaterThan(0);

    expect(result.sessions).toMatchObject({ dropped: 0 });
    expect(failed).toEqual([]);
    expect(summary.orders.notFinal).toEqual([]);
    expect(verdict.violations).toEqual([]);
    expect(supervisor.status().instances.filter((i) => i.restarts > 0 || i.phase !== 'ready')).toEqual([]);
  }, 300_000);

  it('a rolling restart of every app, one after another (the two gateways included): zero failed requests, every order final, the invariants clean', async () => {
    const { supervisor } = running;
    const restarted: string[] = [];
    const { result, failed, summary, verdict } = await underShopperLoad(running, 'rolling-restart', async (mark) => {
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

  const pids = () => running.supervisor.status().instances.map((i) => i.pid);

  it('a blue-green release whose orders cannot reach its database is rolled back: the running set serves on untouched, zero failed requests, every order final', async () => {
    const { supervisor, platform } = running;
    const before = pids();
    let rejection: unknown;
    const { result, failed, summary, verdict } = await underShopperLoad(running, 'blue-green-rollback', async (mark) => {
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
    const { supervisor } = running;
    const before = pids();
    let report: ReleaseReport | undefined;
    const { result, failed, summary, verdict } = await underShopperLoad(running, 'blue-green', async (mark) => {
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
    expect(before.filter((pid) => pid !== undefined && isAlive(pid))).toEqual([]);
    expect(pids().filter((pid) => before.includes(pid))).toEqual([]);
    expect(supervisor.status().instances.filter((i) => i.restarts > 0 || i.phase !== 'ready')).toEqual([]);
    expect(result.requests.length).toBeGreaterThan(50);
    expect(failed).toEqual([]);
    expect(summary.orders.placed).toBeGreaterThan(5);
    expect(summary.orders.notFinal).toEqual([]);
    expect(verdict.violations).toEqual([]);
  }, 300_000);
});
