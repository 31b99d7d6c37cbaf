import { CatalogRpc } from '@shopmesh/contracts';
import { TcpProxy, testEnv, waitUntil } from '@shopmesh/testing';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { seedCatalog } from '../src/seed/seed';
import { startCatalog, type CatalogUnderTest } from './catalog-harness';

/** Redis is reached through a proxy this test cuts: catalog answers from Postgres meanwhile. */
describe('catalog without Redis (real Postgres; Redis through a proxy)', () => {
  let redisProxy: TcpProxy;
  let sut: CatalogUnderTest;

  beforeAll(async () => {
    const redisUrl = new URL(testEnv().REDIS_URL ?? 'redis://127.0.0.1:6379');
    redisProxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    sut = await startCatalog('cache_outage', { REDIS_URL: `redis://127.0.0.1:${await redisProxy.start()}` });
    await seedCatalog(sut.env);
  });
  afterAll(async () => {
    await sut?.close();
    await redisProxy?.stop();
  });

  const timed = async <T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = Date.now();
    const value = await call();
    return { value, ms: Date.now() - started };
  };

  it('answers get and list from Postgres, well within the RPC deadline, while Redis is cut', async () => {
    const id = DEMO_PRODUCTS[3]?.id ?? '';
    const cached = await sut.rpc.call(CatalogRpc.getProduct, { id }); // now in Redis
    redisProxy.cut();
    try {
      for (let i = 0; i < 5; i += 1) {
        const got = await timed(() => sut.rpc.call(CatalogRpc.getProduct, { id }));
        expect(got.value).toEqual(cached);
        expect(got.ms).toBeLessThan(1000);
        const listed = await timed(() => sut.rpc.call(CatalogRpc.listProducts, { query: 'bottle', limit: 5 }));
        expect(listed.value.items.length).toBeGreaterThan(0);
        expect(listed.ms).toBeLessThan(1000);
      }
      // a change while Redis is away is still made, and read back from Postgres
      const changed = await sut.rpc.call(CatalogRpc.updateProduct, { id, productVersion: cached.version, name: 'Renamed' });
      await expect(sut.rpc.call(CatalogRpc.getProduct, { id })).resolves.toEqual(changed);
    } finally {
      redisProxy.heal();
    }
    await waitUntil('reads are served again once Redis is back', async () => {
      const product = await sut.rpc.call(CatalogRpc.getProduct, { id });
      return product.name === 'Renamed';
    });
  });
});
