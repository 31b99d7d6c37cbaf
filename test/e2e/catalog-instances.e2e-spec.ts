import { setTimeout as sleep } from 'node:timers/promises';
import { AppProcess, freePort, testEnv } from '@shopmesh/testing';
import { prepareCatalogDatabase } from './catalog-database';
import { steadyLoad } from './steady-load';

const RPC_TIMEOUT_MS = 1500;

/** Two catalog instances behind the gateway; one is killed with SIGKILL under a steady load. */
describe('gateway across two catalog instances, one killed -9 under load (real processes)', () => {
  let env: Record<string, string>;
  let dropDatabase: (() => Promise<void>) | undefined;
  const catalogs: AppProcess[] = [];
  let gateway: AppProcess;

  beforeAll(async () => {
    const base = testEnv({ RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS), HEALTH_CHECK_TIMEOUT_MS: '1000', LOG_LEVEL: 'warn' });
    const db = await prepareCatalogDatabase('e2e_instances', base);
    dropDatabase = db.drop;
    env = { ...base, CATALOG_DB_NAME: db.database, CATALOG_OPS_HOST: '127.0.0.1', GATEWAY_HOST: '127.0.0.1' };
    const tcpPorts = [await freePort(), await freePort()];
    for (const tcp of tcpPorts) {
      const ops = await freePort();
      catalogs.push(
        await new AppProcess('catalog', { ...env, CATALOG_TCP_PORT: String(tcp), CATALOG_OPS_PORT: String(ops) }, ops).start(),
      );
    }
    const http = await freePort();
    gateway = await new AppProcess(
      'gateway',
      { ...env, GATEWAY_PORT: String(http), CATALOG_ADDRESSES: tcpPorts.map((p) => `127.0.0.1:${p}`).join(',') },
      http,
    ).start();
  }, 90_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), ...catalogs.map((c) => c.stop())]);
    await dropDatabase?.();
  });

  it('moves calls to the surviving instance within 2 s, and no call outlives its deadline', async () => {
    const load = steadyLoad(gateway.url);
    await sleep(1500);
    const killedAt = Date.now();
    await catalogs[0]?.kill();
    await sleep(4000);
    const samples = await load.stop();

    const afterKill = samples.filter((s) => s.at >= killedAt);
    expect(samples.filter((s) => s.at < killedAt).every((s) => s.status === 200)).toBe(true);
    expect(afterKill.length).toBeGreaterThan(20);
    expect(afterKill.filter((s) => s.at > killedAt + 2000).every((s) => s.status === 200)).toBe(true);
    expect(Math.max(...samples.map((s) => s.ms))).toBeLessThan(RPC_TIMEOUT_MS + 500);
    const failed = afterKill.filter((s) => s.status !== 200);
    expect(failed.every((s) => s.status === 503)).toBe(true); // never a 500 or a hang
  });
});
