import { loadDotEnv } from '@shopmesh/config';
import { DataSource } from 'typeorm';
import { loadCatalogConfig } from '../catalog.config';
import { catalogDataSourceOptions } from '../database/catalog.data-source';
import { DEMO_PRODUCTS } from './demo-products';

/**
 * Inserts the demo catalogue; products that already exist (by SKU) are left as they are,
 * so running it again changes nothing. Each product gets a distinct created_at so pages are stable.
 */
export async function seedCatalog(source?: Record<string, string | undefined>): Promise<number> {
  const dataSource = new DataSource(catalogDataSourceOptions(loadCatalogConfig(source)));
  await dataSource.initialize();
  try {
    let inserted = 0;
    for (const [i, p] of DEMO_PRODUCTS.entries()) {
      const rows: unknown[] = await dataSource.query(
        `INSERT INTO products (id, sku, name, description, category, price_amount, price_currency, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() - make_interval(secs => $8), now() - make_interval(secs => $8))
         ON CONFLICT (sku) DO NOTHING RETURNING id`,
        [p.id, p.sku, p.name, p.description, p.category, p.priceAmount, p.priceCurrency, DEMO_PRODUCTS.length - i],
      );
      inserted += rows.length;
    }
    return inserted;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  loadDotEnv();
  seedCatalog()
    .then((n) => process.stdout.write(`catalog: ${n} demo product(s) inserted\n`))
    .catch((error: unknown) => {
      process.stderr.write(`catalog: seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
