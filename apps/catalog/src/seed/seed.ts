import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDotEnv } from '@shopmesh/config';
import { Outbox } from '@shopmesh/messaging';
import { DataSource } from 'typeorm';
import { loadCatalogConfig } from '../catalog.config';
import { catalogDataSourceOptions } from '../database/catalog.data-source';
import { createCatalogRedis } from '../products/catalog-redis';
import { CreateProductService } from '../products/create-product/create-product.service';
import { ProductCache, type CatalogCache } from '../products/product-cache';
import { ProductRepository } from '../products/product.repository';
import { cacheNamespaceOf } from '../products/products.module';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';

/** The seed's view of the cache: nothing per product; the catalogue is announced changed once, at the end. */
const noCache: CatalogCache = { readThrough: (_key, _ttl, load) => load(), catalogChanged: () => Promise.resolve() };

/** When the first demo product was created; each next one a minute later (a stable order). */
const SEEDED_FROM = Date.UTC(2025, 0, 1);

/**
 * Adds the demo catalogue through the same use case as the API, so each product's `ProductCreated`
 * goes through the outbox like any other. Products already there (by SKU) are left as they are, so
 * running it again changes nothing and publishes nothing. Returns how many it created.
 */
export async function seedCatalog(source?: Record<string, string | undefined>): Promise<number> {
  const config = loadCatalogConfig(source);
  const dataSource = new DataSource(catalogDataSourceOptions(config));
  await dataSource.initialize();
  let created = 0;
  try {
    const products = new ProductRepository(dataSource, new Outbox());
    const createProduct = new CreateProductService(products, noCache);
    const existing = await products.findSkus(DEMO_PRODUCTS.map((p) => p.sku));
    for (const [i, p] of DEMO_PRODUCTS.entries()) {
      if (existing.has(p.sku)) continue;
      const change = await createProduct.create(
        {
          sku: p.sku,
          name: p.name,
          description: p.description,
          category: p.category,
          price: { amount: p.priceAmount, currency: p.priceCurrency },
        },
        { id: p.id, createdAt: new Date(SEEDED_FROM + i * 60_000) },
      );
      if (change.ok) created += 1; // else another seed run got there first
    }
  } finally {
    await dataSource.destroy();
  }
  if (created > 0 && config.app.CATALOG_CACHE_TTL_SECONDS > 0 && config.redisUrl && config.postgres)
    await announceChange(config.redisUrl, config.postgres.database);
  return created;
}

/** Tells running catalog instances that their cached pages are stale (best effort: they expire anyway). */
async function announceChange(redisUrl: string, database: string): Promise<void> {
  const redis = createCatalogRedis(redisUrl);
  try {
    const ready = await Promise.race([once(redis, 'ready').then(() => true), sleep(2000, false)]);
    if (ready)
      await new ProductCache(redis, {
        namespace: cacheNamespaceOf(database),
        productTtlSeconds: 0,
        pageTtlSeconds: 0,
      }).catalogChanged();
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) {
  loadDotEnv();
  seedCatalog()
    .then((n) => process.stdout.write(`catalog: ${n} demo product(s) created\n`))
    .catch((error: unknown) => {
      process.stderr.write(`catalog: seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
