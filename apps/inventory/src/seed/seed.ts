import { loadDotEnv } from '@shopmesh/config';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { DataSource } from 'typeorm';
import { inventoryDataSourceOptions } from '../database/inventory.data-source';
import { sqlOf } from '../database/sql';
import { loadInventoryConfig } from '../inventory.config';
import { StockStore } from '../stock/stock.store';
import { demoStockOf } from './demo-stock';

/**
 * Gives every demo product's SKU its demo stock (`demoStockOf`: 10-100 units, the same on every
 * run), each as a SET in the ledger, in one transaction. A SKU that has stock already is left as
 * it is (only a new row or one at 0 on hand is stocked), so running it again changes nothing.
 * Returns how many SKUs it stocked.
 */
export async function seedInventory(source?: Record<string, string | undefined>): Promise<number> {
  const dataSource = new DataSource(inventoryDataSourceOptions(loadInventoryConfig(source)));
  await dataSource.initialize();
  try {
    const stock = new StockStore();
    const items = DEMO_PRODUCTS.map((p) => ({ sku: p.sku, productId: p.id, onHand: demoStockOf(p.sku) }));
    const stocked = await dataSource.transaction((manager) => stock.stockWhereEmpty(sqlOf(manager), items));
    return stocked.length;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  loadDotEnv();
  seedInventory()
    .then((n) => process.stdout.write(`inventory: ${n} demo SKU(s) stocked\n`))
    .catch((error: unknown) => {
      process.stderr.write(`inventory: seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
