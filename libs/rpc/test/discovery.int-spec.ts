import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { testEnv, waitUntil } from '@shopmesh/testing';
import { DnsDiscovery, RedisRegistryDiscovery, RegistryEntry, RpcClient } from '../src';
import { startEcho, type EchoInstance } from './echo-service';

describe('discovery (real DNS resolver and Redis)', () => {
  const redisUrl = testEnv().REDIS_URL ?? 'redis://127.0.0.1:6379';
  let echo: EchoInstance;

  beforeAll(async () => {
    echo = await startEcho('found');
  });
  afterAll(() => echo.app.close());

  it('finds every address a name resolves to, and calls through it', async () => {
    const dns = new DnsDiscovery('localhost', echo.port, 60_000);
    const client = new RpcClient('found', dns, { timeoutMs: 1000 });
    await client.start();
    expect(dns.addresses()).toContain(`127.0.0.1:${echo.port}`);
    const ipv4Only = new RpcClient(
      'found',
      {
        start: () => Promise.resolve(),
        stop: () => undefined,
        addresses: () => dns.addresses().filter((a) => !a.startsWith('[')),
      },
      { timeoutMs: 1000 },
    );
    await expect(ipv4Only.send('echo.who', {}, { idempotent: true })).resolves.toEqual({ instance: 'found' });
    await Promise.all([client.close(), ipv4Only.close()]);
  });

  it('lists registered instances, drops one that deregisters at once and one that dies when its TTL ends', async () => {
    const namespace = `test-${randomBytes(4).toString('hex')}`;
    const leaving = new RegistryEntry(redisUrl, namespace, 'svc', '10.0.0.1:4000', 1000);
    const crashing = new RegistryEntry(redisUrl, namespace, 'svc', '10.0.0.2:4000', 1000);
    const staying = new RegistryEntry(redisUrl, namespace, 'svc', '10.0.0.3:4000', 1000);
    await Promise.all([leaving.register(), crashing.register(), staying.register()]);
    const discovery = new RedisRegistryDiscovery(redisUrl, namespace, 'svc', 100);
    await discovery.start();
    expect(discovery.addresses()).toEqual(['10.0.0.1:4000', '10.0.0.2:4000', '10.0.0.3:4000']);

    await leaving.deregister();
    await waitUntil('the deregistered instance is gone', () => !discovery.addresses().includes('10.0.0.1:4000'), {
      timeoutMs: 1000,
    });

    crashing.stopHeartbeat(); // as if killed -9: no deregistration, the TTL ends it
    await sleep(500);
    expect(discovery.addresses()).toContain('10.0.0.2:4000');
    await waitUntil('the crashed instance expires', () => !discovery.addresses().includes('10.0.0.2:4000'), { timeoutMs: 2000 });
    await sleep(1200);
    expect(discovery.addresses()).toEqual(['10.0.0.3:4000']); // the heartbeat keeps the live one

    await staying.deregister();
    crashing.close();
    discovery.stop();
  });
});
