import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { REPO_ROOT, pgConnectionOf, waitUntil } from '@shopmesh/testing';
import { migrateOrders } from '../../apps/orders/src/database/migrate';
import { ordersSchema } from '../../apps/orders/src/database/orders.data-source';
import { buildRelease, readPreviousRelease, type ReleaseBuild } from '../../tools/upgrade/previous-release';
import { startSupervisedPlatform, underShopperLoad, type SupervisedPlatform } from './supervised-platform';

const run = promisify(execFile);

/**
 * Expand/contract, proven: release N of orders (built from git history, deploy/upgrade/previous-release.json)
 * serves the platform under the shopper mix on a database at N's schema; N+1's migration runs while
 * N serves; N+1 starts beside N (same consumer groups, both in the registry), N drains (SIGTERM) and
 * the load goes on against N+1. Nothing may fail, every order ends final, the invariants hold.
 */
describe('expand/contract: orders N and N+1 side by side on one database through N+1’s migration', () => {
  const release = readPreviousRelease();
  let build: ReleaseBuild;
  let ordersScript: string;
  let running: SupervisedPlatform;
  let db: Client;

  beforeAll(async () => {
    if (release.app !== 'orders') throw new Error(`this suite upgrades orders, not ${release.app}`);
    build = buildRelease(release.commit, release.app);
    ordersScript = build.main;
    running = await startSupervisedPlatform('expand', {
      scale: new Map([['gateway', 1]]),
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
});
