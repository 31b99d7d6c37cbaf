import { createTestDatabase, dropTestDatabase, pgConnectionOf, testEnv } from '@shopmesh/testing';
import { DataSource } from 'typeorm';
import { loadCatalogConfig } from '../src/catalog.config';
import { catalogDataSourceOptions } from '../src/database/catalog.data-source';
import { migrateCatalog } from '../src/database/migrate';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { seedCatalog } from '../src/seed/seed';

describe('catalog seed (real Postgres)', () => {
  let env: Record<string, string>;
  let db: DataSource;

  beforeAll(async () => {
    const base = testEnv();
    const database = await createTestDatabase(pgConnectionOf(base), 'shopmesh_catalog', 'seed');
    env = { ...base, CATALOG_DB_NAME: database };
    await migrateCatalog(env);
    db = new DataSource(catalogDataSourceOptions(loadCatalogConfig(env)));
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    if (env) await dropTestDatabase(pgConnectionOf(env), env.CATALOG_DB_NAME ?? '');
  });

  it('creates a few hundred products in 6-8 categories once, each with one ProductCreated in the outbox', async () => {
    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(250);
    expect(await seedCatalog(env)).toBe(DEMO_PRODUCTS.length);
    expect(await seedCatalog(env)).toBe(0);

    const [counts] = await db.query<Array<{ products: number; categories: number; events: number; keys: number }>>(
      `SELECT (SELECT count(*)::int FROM products) AS products,
              (SELECT count(DISTINCT category)::int FROM products) AS categories,
              (SELECT count(*)::int FROM outbox WHERE envelope->>'type' = 'ProductCreated') AS events,
              (SELECT count(DISTINCT message_key)::int FROM outbox) AS keys`,
    );
    expect(counts).toEqual({
      products: DEMO_PRODUCTS.length,
      categories: expect.any(Number),
      events: DEMO_PRODUCTS.length,
      keys: DEMO_PRODUCTS.length,
    });
    expect(counts?.categories).toBeGreaterThanOrEqual(6);
    expect(counts?.categories).toBeLessThanOrEqual(8);
    const [outbox] = await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM outbox`);
    expect(outbox?.n).toBe(DEMO_PRODUCTS.length);
  });

  it('stores the generated products as generated: stable ids and SKUs, EUR minor units', async () => {
    const rows = await db.query<Array<{ id: string; sku: string; price_amount: string; price_currency: string }>>(
      `SELECT id, sku, price_amount, price_currency FROM products ORDER BY created_at, id`,
    );
    expect(rows.map((r) => [r.id, r.sku, Number(r.price_amount), r.price_currency])).toEqual(
      DEMO_PRODUCTS.map((p) => [p.id, p.sku, p.priceAmount, 'EUR']),
    );
  });
});
