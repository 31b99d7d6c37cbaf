import { TcpProxy, testEnv, waitUntil } from '@shopmesh/testing';
import { startCatalog, type CatalogUnderTest } from './catalog-harness';

interface Readiness {
  status: string;
  details: Record<string, { status: string; message?: string }>;
}

const readiness = async (url: string): Promise<{ code: number; body: Readiness }> => {
  const res = await fetch(`${url}/health/ready`);
  return { code: res.status, body: (await res.json()) as Readiness };
};

const hostPort = (hp: string): [string, number] => {
  const [host, port] = hp.split(':');
  return [host ?? '127.0.0.1', Number(port)];
};

/**
 * Readiness tells the truth about each dependency: Redis and Kafka are reached through
 * proxies this test controls, cut and healed; the machine's own servers are never touched.
 */
describe('catalog readiness (real Postgres, Redis, Kafka)', () => {
  let redisProxy: TcpProxy;
  let kafkaProxy: TcpProxy;
  let sut: CatalogUnderTest;

  beforeAll(async () => {
    const env = testEnv();
    const redisUrl = new URL(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    redisProxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    kafkaProxy = new TcpProxy(...hostPort((env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0] ?? ''));
    const [redisPort, kafkaPort] = [await redisProxy.start(), await kafkaProxy.start()];
    sut = await startCatalog('readiness', {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
    });
  });

  afterAll(async () => {
    await sut?.close();
    await redisProxy?.stop();
    await kafkaProxy?.stop();
  });

  it('is ready with every dependency up, and names each one', async () => {
    const { code, body } = await waitUntil('catalog is ready', async () => {
      const r = await readiness(sut.opsUrl);
      return r.code === 200 && r;
    });
    expect(code).toBe(200);
    expect(Object.keys(body.details).sort()).toEqual(['kafka', 'postgres', 'redis']);
  });

  it('stays ready without Redis (the cache): redis is reported degraded within 10 s, and up again when it returns', async () => {
    redisProxy.cut();
    const degraded = await waitUntil(
      'readiness reports redis degraded',
      async () => {
        const r = await readiness(sut.opsUrl);
        return r.code === 200 && r.body.details.redis?.status === 'degraded' && r;
      },
      { timeoutMs: 10_000 },
    );
    expect(degraded.body.details.postgres?.status).toBe('up');
    redisProxy.heal();
    await waitUntil('redis up again', async () => (await readiness(sut.opsUrl)).body.details.redis?.status === 'up', {
      timeoutMs: 10_000,
    });
  });

  it.each([['kafka', () => kafkaProxy]])(
    'answers 503 naming %s within 10 s of losing it, and recovers when it returns',
    async (name, proxy) => {
      proxy().cut();
      const down = await waitUntil(
        `readiness reports ${name} down`,
        async () => {
          const r = await readiness(sut.opsUrl);
          return r.code === 503 && r.body.details[name]?.status === 'down' && r;
        },
        { timeoutMs: 10_000 },
      );
      expect(down.body.status).toBe('error');
      expect(
        Object.entries(down.body.details)
          .filter(([, d]) => d.status === 'down')
          .map(([k]) => k),
      ).toEqual([name]);

      const live = await fetch(`${sut.opsUrl}/health/live`);
      expect(live.status).toBe(200);

      proxy().heal();
      await waitUntil(`readiness recovers after ${name} returns`, async () => (await readiness(sut.opsUrl)).code === 200, {
        timeoutMs: 10_000,
      });
    },
  );
});
