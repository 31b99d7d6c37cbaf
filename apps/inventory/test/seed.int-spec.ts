import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { createTestDatabase, dropTestDatabase, pgConnectionOf, testEnv } from '@shopmesh/testing';
import { DataSource } from 'typeorm';
import { inventoryDataSourceOptions } from '../src/database/inventory.data-source';
import { migrateInventory } from '../src/database/migrate';
import { loadInventoryConfig } from '../src/inventory.config';
import { demoStockOf } from '../src/seed/demo-stock';
import { seedInventory } from '../src/seed/seed';
import { auditDisagreements } from './inventory-harness';

describe('inventory seed (real Postgres)', () => {
  let env: Record<string, string>;
  let db: DataSource;

  beforeAll(async () => {
    const base = testEnv();
    const database = await createTestDatabase(pgConnectionOf(base), 'shopmesh_inventory', 'seed');
    env = { ...base, INVENTORY_DB_NAME: database };
    await migrateInventory(env);
    db = await new DataSource(inventoryDataSourceOptions(loadInventoryConfig(env))).initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    if (env) await dropTestDatabase(pgConnectionOf(env), env.INVENTORY_DB_NAME ?? '');
  });

  it('stocks every demo SKU once, with its deterministic quantity and a SET in the ledger; a re-run changes nothing', async () => {
    const [first] = DEMO_PRODUCTS;
    // a row catalog's ProductCreated made (at 0) is stocked; one an admin stocked already is left alone
    await db.query(`INSERT INTO stock (sku, product_id, on_hand, reserved) VALUES ($1, $2, 0, 0)`, [first?.sku, first?.id]);
    const second = DEMO_PRODUCTS[1];
    await db.query(`INSERT INTO stock (sku, on_hand, reserved) VALUES ($1, 7, 0)`, [second?.sku]);
    await db.query(`INSERT INTO stock_movements (sku, kind, delta) VALUES ($1, 'SET', 7)`, [second?.sku]);

    expect(await seedInventory(env)).toBe(DEMO_PRODUCTS.length - 1);
    expect(await seedInventory(env)).toBe(0);

    const rows = await db.query<Array<{ sku: string; product_id: string; on_hand: number; reserved: number }>>(
      `SELECT sku, product_id, on_hand, reserved FROM stock ORDER BY sku`,
    );
    expect(rows).toHaveLength(DEMO_PRODUCTS.length);
    const bySku = new Map(rows.map((r) => [r.sku, r]));
    for (const p of DEMO_PRODUCTS) {
      expect(bySku.get(p.sku)).toEqual({
        sku: p.sku,
        product_id: p.sku === second?.sku ? null : p.id, // a stocked row is left exactly as it is
        on_hand: p.sku === second?.sku ? 7 : demoStockOf(p.sku),
        reserved: 0,
      });
    }
    const [{ n }] = await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM stock_movements`);
    expect(n).toBe(DEMO_PRODUCTS.length);
    await expect(auditDisagreements(db)).resolves.toEqual([]);
  });
});
