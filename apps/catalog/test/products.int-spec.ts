import { DataSource } from 'typeorm';
import { CatalogRpc } from '@shopmesh/contracts';
import { loadCatalogConfig } from '../src/catalog.config';
import { catalogDataSourceOptions } from '../src/database/catalog.data-source';
import { seedCatalog } from '../src/seed/seed';
import { DEMO_PRODUCTS } from '../src/seed/demo-products';
import { startCatalog, type CatalogUnderTest } from './catalog-harness';

describe('catalog products over TCP (real Postgres and Redis)', () => {
  let sut: CatalogUnderTest;

  beforeAll(async () => {
    sut = await startCatalog('products');
    await seedCatalog(sut.env);
  });
  afterAll(() => sut?.close());

  it('pages through every active product exactly once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await sut.rpc.call(CatalogRpc.listProducts, { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((p) => p.sku));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(Math.ceil(DEMO_PRODUCTS.length / 7));
    expect(seen).toEqual([...DEMO_PRODUCTS].reverse().map((p) => p.sku));
  });

  it('filters by category and text, and hides inactive products', async () => {
    const ds = new DataSource(catalogDataSourceOptions(loadCatalogConfig(sut.env)));
    await ds.initialize();
    await ds.query(`UPDATE products SET active = false WHERE sku = 'BOO-001'`);
    await ds.destroy();

    const books = await sut.rpc.call(CatalogRpc.listProducts, { category: 'books', limit: 100 });
    expect(books.items.map((p) => p.sku).sort()).toEqual(['BOO-002', 'BOO-003', 'BOO-004', 'BOO-005', 'BOO-006']);
    const found = await sut.rpc.call(CatalogRpc.listProducts, { query: 'COFFEE', limit: 100 });
    expect(found.items.map((p) => p.name)).toEqual(['Pour-Over Coffee Set']);
    // '%' is matched literally (only "75% layout" has one), not as a wildcard
    const literal = await sut.rpc.call(CatalogRpc.listProducts, { query: '%', limit: 100 });
    expect(literal.items.map((p) => p.sku)).toEqual(['ELE-007']);
  });

  it('answers a product with integer money, served from the cache the second time', async () => {
    const id = DEMO_PRODUCTS[6]?.id ?? '';
    const first = await sut.rpc.call(CatalogRpc.getProduct, { id });
    expect(first).toMatchObject({ id, sku: 'ELE-007', price: { amount: 12900, currency: 'EUR' }, active: true });
    await expect(sut.rpc.call(CatalogRpc.getProduct, { id })).resolves.toEqual(first);
  });

  it.each([
    ['an unknown product', { id: '00000000-0000-4000-8000-999999999999' }, 'CATALOG.PRODUCT_NOT_FOUND'],
    ['a malformed id', { id: 'nope' }, 'VALIDATION.FAILED'],
    ['an unknown field', { id: '00000000-0000-4000-8000-000000000001', extra: 1 }, 'VALIDATION.FAILED'],
  ])('refuses %s with a stable code', async (_name, payload, code) => {
    await expect(sut.rpc.call(CatalogRpc.getProduct, payload)).rejects.toMatchObject({ code });
  });

  it('refuses a forged cursor and an out-of-range limit, naming the field', async () => {
    await expect(sut.rpc.call(CatalogRpc.listProducts, { cursor: 'forged' })).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
      errors: [{ field: 'cursor', message: 'not a cursor returned by this API' }],
    });
    await expect(sut.rpc.call(CatalogRpc.listProducts, { limit: 101 })).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
      errors: [expect.objectContaining({ field: 'limit' })],
    });
  });

  it('serves /metrics with RPC latency by pattern and outcome', async () => {
    const text = await (await fetch(`${sut.opsUrl}/metrics`)).text();
    expect(text).toMatch(
      /rpc_server_duration_seconds_count\{service="catalog",pattern="catalog.products.list",outcome="ok"\} [1-9]/,
    );
    expect(text).toMatch(
      /rpc_server_duration_seconds_count\{service="catalog",pattern="catalog.products.get",outcome="error"\} [1-9]/,
    );
    expect(text).toContain('process_resident_memory_bytes');
  });
});
