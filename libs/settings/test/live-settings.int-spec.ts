import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthIndicatorService } from '@nestjs/terminus';
import { createRedisClient } from '@shopmesh/redis';
import { TcpProxy, testEnv, waitUntil } from '@shopmesh/testing';
import type { Redis } from 'ioredis';
import { LiveSettings, SettingsStore, settingsKeys } from '../src';

const OPERATOR = { userId: '6f1c3a52-7a43-4b9e-9a43-3c1f4d2a9b10', email: 'admin@shopmesh.local' };
const DEFAULTS = { 'rpc.timeoutMs': 3000, 'orders.stepTimeoutMs': 15_000 };

/**
 * Two instances ("processes" in one) read the settings of one namespace in real Redis: one
 * directly, the other through a proxy the test cuts and heals. The periodic read is 10 s, so what
 * reaches an instance within a second came by its change notice.
 */
describe('live settings (real Redis)', () => {
  const namespace = `shopmesh-test:${randomBytes(4).toString('hex')}`;
  const redisUrl = new URL(testEnv().REDIS_URL ?? 'redis://127.0.0.1:6379');
  const proxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
  const opened: Redis[] = [];
  const redisAt = (url: string, purpose: string) => {
    const redis = createRedisClient(url, { purpose, commandTimeoutMs: 1000 });
    opened.push(redis);
    return redis;
  };
  let admin: SettingsStore;
  let direct: LiveSettings;
  let proxied: LiveSettings;

  const liveSettings = (url: string, noticesUrl = url) =>
    new LiveSettings(new SettingsStore(redisAt(url, 'settings-test'), namespace), redisAt(noticesUrl, 'settings-test-notices'), {
      service: 'test',
      defaults: DEFAULTS,
      refreshMs: 10_000,
    });
  const readiness = (sut: LiveSettings) => sut.readinessChecks(new HealthIndicatorService())[0]?.().settings;
  const change = (changes: Record<string, unknown>, expectedVersion = direct.state.version) =>
    admin.change({ expectedVersion, changes, operator: OPERATOR, reason: 'int test' });

  beforeAll(async () => {
    const port = await proxy.start();
    admin = new SettingsStore(redisAt(redisUrl.href, 'settings-test-admin'), namespace);
    direct = liveSettings(redisUrl.href);
    proxied = liveSettings(`redis://127.0.0.1:${port}`);
    await Promise.all([direct.onModuleInit(), proxied.onModuleInit()]);
    await waitUntil('both are subscribed', () => direct.state.subscribed && proxied.state.subscribed);
  });

  afterAll(async () => {
    direct?.onApplicationShutdown();
    proxied?.onApplicationShutdown();
    const cleanup = opened[0];
    if (cleanup) await cleanup.del(...Object.values(settingsKeys(namespace)).slice(0, 2));
    for (const redis of opened) redis.disconnect();
    await proxy.stop();
  });

  it('serves the defaults of its environment from an empty store', () => {
    expect(direct.get('rpc.timeoutMs')).toBe(3000);
    expect(direct.get('checkout.open')).toBe(true);
    expect(() => direct.get('gateway.rateLimit.read.limit')).toThrow(/no default/);
    expect(readiness(direct)).toMatchObject({ status: 'up', version: 0, stale: false, subscribed: true });
  });

  it('brings a change to both instances within a second, and keeps its audit', async () => {
    const result = await change({ 'checkout.open': false, 'orders.stepTimeoutMs': 4000 });
    const changedAt = performance.now();
    expect(result).toMatchObject({ outcome: 'changed', entry: { version: 1 } });
    const reached = await Promise.all(
      [direct, proxied].map(async (sut) => {
        await waitUntil('the change arrived', () => sut.get('checkout.open') === false, { timeoutMs: 1000, intervalMs: 2 });
        return performance.now() - changedAt;
      }),
    );
    console.log(`live settings: a change reached both instances in ${reached.map((ms) => `${ms.toFixed(1)} ms`).join(' and ')}`);
    expect(Math.max(...reached)).toBeLessThan(1000);
    expect([direct.get('orders.stepTimeoutMs'), proxied.get('orders.stepTimeoutMs'), proxied.state.version]).toEqual([
      4000, 4000, 1,
    ]);
    expect(await admin.audit(10)).toEqual([
      {
        version: 1,
        at: expect.any(String),
        operator: OPERATOR,
        reason: 'int test',
        changes: [
          { key: 'checkout.open', before: null, after: false },
          { key: 'orders.stepTimeoutMs', before: null, after: 4000 },
        ],
      },
    ]);
  });

  it('refuses a bad change whole: nothing is written, no version, no audit', async () => {
    const result = await change({ 'checkout.open': true, 'rpc.timeoutMs': 10, 'orders.nope': 1 });
    expect(result).toEqual({
      outcome: 'invalid',
      errors: [
        { field: 'changes.rpc.timeoutMs', message: 'expected an integer between 50 and 60000 (ms)' },
        { field: 'changes.orders.nope', message: 'unknown setting' },
      ],
    });
    await sleep(200);
    expect([direct.get('checkout.open'), (await admin.read()).version, (await admin.audit(10)).length]).toEqual([false, 1, 1]);
  });

  it('applies one of two changes made from the same version; the other is a conflict', async () => {
    const results = await Promise.all([change({ 'rpc.timeoutMs': 1000 }, 1), change({ 'rpc.timeoutMs': 2000 }, 1)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['changed', 'conflict']);
    const winner = results.find((r) => r.outcome === 'changed');
    const value = winner?.outcome === 'changed' ? winner.entry.changes[0]?.after : undefined;
    await waitUntil('both apply version 2', () => direct.state.version === 2 && proxied.state.version === 2, { timeoutMs: 1000 });
    expect([direct.get('rpc.timeoutMs'), proxied.get('rpc.timeoutMs')]).toEqual([value, value]);
    expect(results.find((r) => r.outcome === 'conflict')).toEqual({ outcome: 'conflict', version: 2 });
  });

  it('keeps the last good values when a bad document is written to Redis by hand, and says so', async () => {
    const keys = settingsKeys(namespace);
    await opened[0].hset(keys.document, 'version', 3, 'values', '{"rpc.timeoutMs":"fast"}');
    await opened[0].publish(keys.channel, '3');
    await waitUntil('the document is refused', () => direct.state.refused?.version === 3, { timeoutMs: 1000 });
    expect([direct.get('checkout.open'), direct.state.version]).toEqual([false, 2]);
    expect(readiness(direct)).toMatchObject({
      status: 'up',
      version: 2,
      refused: { version: 3, errors: [{ field: 'values.rpc.timeoutMs' }] },
    });
    // an operator's next change (from the version it reads) repairs the document
    expect(await change({ 'checkout.open': true }, 3)).toMatchObject({ outcome: 'changed', entry: { version: 4 } });
    await waitUntil('the repaired document applies', () => direct.state.version === 4 && direct.state.refused === null, {
      timeoutMs: 1000,
    });
    expect(direct.get('rpc.timeoutMs')).toBe(3000);
  });

  it('keeps its last good values while the store is cut off, says stale since when, and catches up once back', async () => {
    proxy.cut();
    await waitUntil('the cut instance is stale', async () => {
      await proxied.refresh();
      return proxied.state.stale;
    });
    expect(await change({ 'checkout.open': false, 'orders.stepTimeoutMs': 9000 }, 4)).toMatchObject({ outcome: 'changed' });
    await waitUntil('the direct instance applies it', () => direct.get('checkout.open') === false, { timeoutMs: 1000 });
    expect([proxied.get('checkout.open'), proxied.get('orders.stepTimeoutMs'), proxied.state.version]).toEqual([true, 15_000, 4]);
    expect(readiness(proxied)).toEqual({
      status: 'up',
      version: 4,
      stale: true,
      since: expect.any(String),
      loadedAt: expect.any(String),
      subscribed: false,
    });

    proxy.heal();
    const healedAt = performance.now();
    await waitUntil('the healed instance catches up', () => proxied.state.version === 5 && !proxied.state.stale, {
      timeoutMs: 5000,
    });
    console.log(`live settings: caught up ${(performance.now() - healedAt).toFixed(0)} ms after the store came back`);
    expect([proxied.get('checkout.open'), proxied.get('orders.stepTimeoutMs')]).toEqual([false, 9000]);
    expect(readiness(proxied)).toMatchObject({ status: 'up', stale: false, version: 5 });
  });

  it('catches up when only its reads were cut: the notice came while the store did not answer, and nothing else will say so', async () => {
    const readsProxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    const split = liveSettings(`redis://127.0.0.1:${await readsProxy.start()}`, redisUrl.href);
    try {
      await split.onModuleInit();
      await waitUntil('subscribed', () => split.state.subscribed && split.state.version === 5);
      readsProxy.cut();
      expect(await change({ 'orders.stepTimeoutMs': 7000 }, 5)).toMatchObject({ outcome: 'changed' });
      await waitUntil('the notice came and its read failed', () => split.state.stale, { timeoutMs: 2000 });
      readsProxy.heal();
      const healedAt = performance.now();
      // the periodic read is 10 s away and the subscriber never lost its connection
      await waitUntil('it reads again by itself', () => split.state.version === 6 && !split.state.stale, { timeoutMs: 4000 });
      console.log(`live settings: reads caught up ${(performance.now() - healedAt).toFixed(0)} ms after they came back`);
      expect(split.get('orders.stepTimeoutMs')).toBe(7000);
    } finally {
      split.onApplicationShutdown();
      await readsProxy.stop();
    }
  });
});
