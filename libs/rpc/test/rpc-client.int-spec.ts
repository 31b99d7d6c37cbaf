import { Metrics } from '@shopmesh/metrics';
import { TcpProxy, waitUntil } from '@shopmesh/testing';
import { RpcClient } from '../src';
import { startEcho, type EchoInstance } from './echo-service';

interface Who {
  instance: string;
}

/** The RPC client across real TCP instances (Nest microservices), with faults made by proxies. */
describe('RpcClient across instances (real TCP)', () => {
  let a: EchoInstance;
  let b: EchoInstance;
  const clients: RpcClient[] = [];
  const proxies: TcpProxy[] = [];

  beforeEach(async () => {
    [a, b] = [await startEcho('a'), await startEcho('b')];
  });
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    await Promise.allSettled(proxies.splice(0).map((p) => p.stop()));
    await Promise.allSettled([a.app.close(), b.app.close()]);
  });

  const client = (
    addresses: string[],
    options: Partial<Parameters<typeof RpcClient.forAddresses>[2]> = {},
    metrics?: Metrics,
  ) => {
    const c = RpcClient.forAddresses(
      'echo',
      addresses,
      { timeoutMs: 1000, breaker: { failureThreshold: 3, openMs: 1000 }, ...options },
      metrics,
    );
    clients.push(c);
    return c;
  };
  const who = async (c: RpcClient, n: number, hashKey?: string) => {
    const served: string[] = [];
    for (let i = 0; i < n; i += 1) served.push(((await c.send('echo.who', {}, { idempotent: true, hashKey })) as Who).instance);
    return served;
  };

  it('balances round-robin across instances', async () => {
    const served = await who(client([a.address, b.address]), 10);
    expect(served.filter((s) => s === 'a')).toHaveLength(5);
    expect(served.filter((s) => s === 'b')).toHaveLength(5);
  });

  it('keeps a key on one instance with consistent hashing', async () => {
    const c = client([a.address, b.address], { balancing: 'consistent-hash' });
    for (const key of ['user-1', 'user-2', 'user-3', 'user-4']) expect(new Set(await who(c, 5, key)).size).toBe(1);
  });

  it('moves calls to the other instance when one dies; no call outlives its deadline', async () => {
    const c = client([a.address, b.address]);
    await who(c, 4);
    await a.app.close();
    const started = Date.now();
    const served = await who(c, 10);
    expect(served.every((s) => s === 'b')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails a black-holed instance within the deadline, opens its breaker, and takes it back after it heals', async () => {
    const proxy = new TcpProxy('127.0.0.1', a.port);
    proxies.push(proxy);
    const viaProxy = `127.0.0.1:${await proxy.start()}`;
    const metrics = new Metrics('test');
    const c = client([viaProxy, b.address], { timeoutMs: 600 }, metrics);
    proxy.blackhole();

    for (let i = 0; i < 8; i += 1) {
      const started = Date.now();
      await expect(c.send('echo.who', {}, { idempotent: true })).resolves.toEqual({ instance: 'b' });
      expect(Date.now() - started).toBeLessThan(700);
    }
    expect(await metrics.registry.getSingleMetricAsString('rpc_client_breaker_state')).toMatch(
      new RegExp(`instance="${viaProxy}"[^}]*\\} 2`),
    );
    const fast = Date.now();
    await who(c, 5); // breaker open: straight to b
    expect(Date.now() - fast).toBeLessThan(200);

    const plain = client([viaProxy], { timeoutMs: 300 });
    await expect(plain.send('echo.who', {})).rejects.toMatchObject({ code: 'UPSTREAM.TIMEOUT' });

    proxy.heal();
    await waitUntil('the healed instance serves again', async () => (await who(c, 4)).includes('a'), { timeoutMs: 5000 });
  });

  it('never retries a call that is not idempotent', async () => {
    const proxy = new TcpProxy('127.0.0.1', a.port);
    proxies.push(proxy);
    const c = client([`127.0.0.1:${await proxy.start()}`, b.address], { timeoutMs: 400 });
    proxy.blackhole();
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => c.send('echo.who', {})));
    expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason as { code: string })).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'UPSTREAM.TIMEOUT' })]),
    );
  });

  it('fails fast with UPSTREAM.OVERLOADED when every instance has its maximum in flight', async () => {
    const c = client([a.address], { maxPendingPerInstance: 2, timeoutMs: 2000 });
    const slow = [1, 2].map(() => c.send('echo.slow', { ms: 500 }));
    const started = Date.now();
    await expect(c.send('echo.who', {})).rejects.toMatchObject({ code: 'UPSTREAM.OVERLOADED' });
    expect(Date.now() - started).toBeLessThan(100);
    await Promise.all(slow);
  });
});
