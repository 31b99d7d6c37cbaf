import { CatalogRpc, type Product, type ProductPage } from '@shopmesh/contracts';
import { DataSource } from 'typeorm';
import { searchTermsOf } from '../src/products/list-products/search-terms';
import { pageSql, ProductRepository } from '../src/products/product.repository';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { seedCatalog } from '../src/seed/seed';
import { startCatalog, type CatalogUnderTest } from './catalog-harness';

describe('catalog products over TCP (real Postgres and Redis)', () => {
  let sut: CatalogUnderTest;
  let db: DataSource;

  beforeAll(async () => {
    sut = await startCatalog('products');
    await seedCatalog(sut.env);
    db = sut.app.get(DataSource);
  });
  afterAll(() => sut?.close());

  const listAll = async (query: { query?: string; category?: string }, limit = 50): Promise<Product[]> => {
    const items: Product[] = [];
    let cursor: string | undefined;
    do {
      const page: ProductPage = await sut.rpc.call(CatalogRpc.listProducts, { ...query, limit, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  };
  const create = (sku: string, name: string, extra: { description?: string; category?: string } = {}) =>
    sut.rpc.call(CatalogRpc.createProduct, { sku, name, category: 'test', price: { amount: 100, currency: 'EUR' }, ...extra });

  it('pages through every active product exactly once, newest first', async () => {
    const seen = await listAll({}, 7);
    expect(seen.map((p) => p.sku)).toEqual([...DEMO_PRODUCTS].reverse().map((p) => p.sku));
  });

  it('filters by category whatever its case, and hides inactive products', async () => {
    const books = DEMO_PRODUCTS.filter((p) => p.category === 'books');
    await sut.rpc.call(CatalogRpc.deactivateProduct, { id: books[0]?.id ?? '' });
    const found = await listAll({ category: 'Books' }, 10);
    expect(found.map((p) => p.sku).sort()).toEqual(
      books
        .slice(1)
        .map((p) => p.sku)
        .sort(),
    );
  });

  it('searches by words, ranks name matches first and matches the last word as a prefix', async () => {
    const lamps = await create('SEARCH-1', 'Zephyr Lantern', { description: 'a lamp for the garden' });
    const named = await create('SEARCH-2', 'Zephyr Lamp', { description: 'reading light' });
    expect((await listAll({ query: 'zephyr lamp' })).map((p) => p.sku)).toEqual([named.sku, lamps.sku]);
    expect((await listAll({ query: 'zephyr la' })).map((p) => p.sku)).toEqual(expect.arrayContaining([named.sku, lamps.sku]));
    expect((await listAll({ query: 'zephyr -garden' })).map((p) => p.sku)).toEqual([named.sku]);
    expect((await listAll({ query: '"reading light"' })).map((p) => p.sku)).toEqual([named.sku]);
  });

  it('pages a search stably, each match once, and refuses its cursor for another search', async () => {
    const all = await listAll({ query: 'wireless' }, 100);
    expect(all.length).toBeGreaterThan(3);
    const paged = await listAll({ query: 'wireless' }, 2);
    expect(paged.map((p) => p.id)).toEqual(all.map((p) => p.id));
    const first = await sut.rpc.call(CatalogRpc.listProducts, { query: 'wireless', limit: 2 });
    await expect(
      sut.rpc.call(CatalogRpc.listProducts, { query: 'lamp', limit: 3, cursor: first.nextCursor ?? '' }),
    ).rejects.toMatchObject({ code: 'VALIDATION.FAILED', errors: [{ field: 'cursor' }] });
    await expect(sut.rpc.call(CatalogRpc.listProducts, { limit: 3, cursor: first.nextCursor ?? '' })).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
    });
  });

  it.each([
    ['SQL', "'; DROP TABLE products; --", "'; DROP TABLE products; --"],
    ['markup', '<script>alert(1)</script> Lamp', '<script>alert(1)</script>'],
    ['LIKE wildcards', '100% Wool_Socks', '100% Wool_Socks'],
    ['a backslash', 'Back\\slash Mug', 'Back\\slash'],
    ['quotes', 'O\'Brien "Classic" Mug', "O'Brien"],
    ['unicode', 'Kaffeemühle Café 東京', 'kaffeemühle café 東京'],
  ])('stores and finds %s literally', async (_name, name, query) => {
    const sku = `LIT-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    const product = await create(sku, name);
    expect(product.name).toBe(name);
    const found = await listAll({ query });
    expect(found.map((p) => [p.sku, p.name])).toEqual([[sku, name]]);
    await expect(sut.rpc.call(CatalogRpc.getProduct, { id: product.id })).resolves.toMatchObject({ name });
    expect(await db.query(`SELECT count(*)::int AS n FROM products`)).toEqual([{ n: expect.any(Number) }]);
  });

  it.each(['%', '_', '\\', "'", '--'])('finds nothing (not everything) for %j', async (query) => {
    await expect(sut.rpc.call(CatalogRpc.listProducts, { query, limit: 100 })).resolves.toEqual({ items: [], nextCursor: null });
  });

  it('searches through the GIN index and filters categories through their index', async () => {
    const plan = async (sql: string, parameters: unknown[]): Promise<string> =>
      db.transaction(async (m) => {
        // what autovacuum would have done by now: the fresh rows' index entries out of GIN's pending list, statistics
        await m.query(`SELECT gin_clean_pending_list('products_active_search')`);
        await m.query(`ANALYZE products`);
        await m.query(`SET LOCAL enable_seqscan = off`); // a few hundred rows: a scan would be cheaper
        const rows = await m.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${sql}`, parameters);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    const search = pageSql({ search: searchTermsOf('wireless head'), limit: 20 });
    expect(await plan(search.sql, search.parameters)).toContain('products_active_search');
    const category = pageSql({ category: 'Books', limit: 20 });
    expect(await plan(category.sql, category.parameters)).toContain('products_active_category_page');
  });

  it('answers a product with integer money, and a changed field at once after any update', async () => {
    const demo = DEMO_PRODUCTS[6];
    const first = await sut.rpc.call(CatalogRpc.getProduct, { id: demo?.id ?? '' });
    expect(first).toMatchObject({ sku: demo?.sku, price: { amount: demo?.priceAmount, currency: 'EUR' }, active: true });
    await expect(sut.rpc.call(CatalogRpc.getProduct, { id: first.id })).resolves.toEqual(first); // from the cache
    const listed = await sut.rpc.call(CatalogRpc.listProducts, { category: first.category, limit: 100 });
    expect(listed.items.map((p) => p.id)).toContain(first.id);

    const renamed = await sut.rpc.call(CatalogRpc.updateProduct, {
      id: first.id,
      productVersion: first.version,
      description: 'now with a longer cable',
    });
    expect(renamed).toMatchObject({ version: first.version + 1, description: 'now with a longer cable' });
    await expect(sut.rpc.call(CatalogRpc.getProduct, { id: first.id })).resolves.toEqual(renamed);
    const relisted = await sut.rpc.call(CatalogRpc.listProducts, { category: first.category, limit: 100 });
    expect(relisted.items.find((p) => p.id === first.id)).toEqual(renamed);
  });

  it('lets one of two concurrent updates at the same version through, the other is a conflict', async () => {
    const before = await sut.rpc.call(CatalogRpc.getProduct, { id: DEMO_PRODUCTS[12]?.id ?? '' });
    const results = await Promise.allSettled(
      [111, 222].map((amount) =>
        sut.rpc.call(CatalogRpc.updateProduct, {
          id: before.id,
          productVersion: before.version,
          price: { amount, currency: 'EUR' },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'CATALOG.VERSION_CONFLICT' } });
    await expect(sut.rpc.call(CatalogRpc.getProduct, { id: before.id })).resolves.toMatchObject({ version: before.version + 1 });
  });

  it('an update that changes nothing keeps the version', async () => {
    const demo = DEMO_PRODUCTS[9];
    const before = await sut.rpc.call(CatalogRpc.getProduct, { id: demo?.id ?? '' });
    const after = await sut.rpc.call(CatalogRpc.updateProduct, {
      id: before.id,
      productVersion: before.version,
      name: before.name,
    });
    expect(after).toEqual(before);
  });

  it('sends 50 concurrent reads of a cold product, and of a cold page, to Postgres once', async () => {
    const repository = sut.app.get(ProductRepository);
    const findById = jest.spyOn(repository, 'findById');
    const findPage = jest.spyOn(repository, 'findPage');
    try {
      const id = DEMO_PRODUCTS[42]?.id ?? '';
      const products = await Promise.all(Array.from({ length: 50 }, () => sut.rpc.call(CatalogRpc.getProduct, { id })));
      expect(new Set(products.map((p) => p.id))).toEqual(new Set([id]));
      expect(findById).toHaveBeenCalledTimes(1);
      const pages = await Promise.all(
        Array.from({ length: 50 }, () => sut.rpc.call(CatalogRpc.listProducts, { query: 'bottle', limit: 5 })),
      );
      expect(pages.every((p) => p.items.length > 0)).toBe(true);
      expect(findPage).toHaveBeenCalledTimes(1);
    } finally {
      findById.mockRestore();
      findPage.mockRestore();
    }
  });

  it.each([
    ['an unknown product', { id: '00000000-0000-4000-8000-999999999999' }, 'CATALOG.PRODUCT_NOT_FOUND'],
    ['a malformed id', { id: 'nope' }, 'VALIDATION.FAILED'],
    ['an unknown field', { id: '00000000-0000-4000-8000-000000000001', extra: 1 }, 'VALIDATION.FAILED'],
  ])('refuses %s with a stable code', async (_name, payload, code) => {
    await expect(sut.rpc.call(CatalogRpc.getProduct, payload)).rejects.toMatchObject({ code });
  });

  it('refuses a forged cursor and an out-of-range limit, naming the field', async () => {
    const forged = Buffer.from(JSON.stringify([0.5, 'x', 'y', 'z'])).toString('base64url');
    for (const cursor of ['forged', forged]) {
      await expect(sut.rpc.call(CatalogRpc.listProducts, { cursor })).rejects.toMatchObject({
        code: 'VALIDATION.FAILED',
        errors: [{ field: 'cursor', message: 'not a cursor returned by this API' }],
      });
    }
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
