import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppProcess, freePort, testEnv, waitUntil } from '@shopmesh/testing';
import { prepareCatalogDatabase } from './catalog-database';
import { steadyLoad } from './steady-load';

/**
 * Two catalog instances registered in the Redis registry; the gateway discovers them there. A
 * rolling restart (each instance in turn: unready and deregistered first, in-flight calls finish,
 * then stop, start, ready) under a steady load through the gateway fails no request.
 */
describe('rolling restart of catalog under load (real processes, Redis registry)', () => {
  let env: Record<string, string>;
  let dropDatabase: (() => Promise<void>) | undefined;
  const catalogs: AppProcess[] = [];
  let gateway: AppProcess;

  beforeAll(async () => {
    const base = testEnv({ RPC_TIMEOUT_MS: '2000', SHUTDOWN_DRAIN_MS: '1500', LOG_LEVEL: 'warn' });
    const db = await prepareCatalogDatabase('e2e_rolling', base);
    dropDatabase = db.drop;
    env = {
      ...base,
      CATALOG_DB_NAME: db.database,
      CATALOG_OPS_HOST: '127.0.0.1',
      GATEWAY_HOST: '127.0.0.1',
      SERVICE_REGISTRY: 'redis',
      REGISTRY_TTL_MS: '3000',
      REGISTRY_NAMESPACE: `test-${randomBytes(4).toString('hex')}`,
      CATALOG_DISCOVERY: 'redis',
    };
    for (let i = 0; i < 2; i += 1) {
      const [tcp, ops] = [await freePort(), await freePort()];
      const own = {
        CATALOG_TCP_PORT: String(tcp),
        CATALOG_OPS_PORT: String(ops),
        CATALOG_ADVERTISED_ADDRESS: `127.0.0.1:${tcp}`,
      };
      catalogs.push(await new AppProcess('catalog', { ...env, ...own }, ops).start());
    }
    const http = await freePort();
    gateway = await new AppProcess('gateway', { ...env, GATEWAY_PORT: String(http) }, http).start();
    // only catalog runs here (no identity): wait for what this test uses, the product reads
    await waitUntil('gateway serves products', async () => (await fetch(`${gateway.url}/v1/products?limit=1`)).status === 200, {
      timeoutMs: 15_000,
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), ...catalogs.map((c) => c.stop())]);
    await dropDatabase?.();
  });

  it('fails no request', async () => {
    const load = steadyLoad(gateway.url);
    await sleep(1000);
    for (const catalog of catalogs) {
      await expect(catalog.stop()).resolves.toBe(0);
      await catalog.start();
      await waitUntil(
        'the restarted instance is ready',
        async () => (await fetch(`${catalog.url}/health/ready`)).status === 200,
        { timeoutMs: 20_000 },
      );
      await sleep(1500); // the gateway's registry refresh sees it again
    }
    const statuses = (await load.stop()).map((sample) => sample.status);

    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
