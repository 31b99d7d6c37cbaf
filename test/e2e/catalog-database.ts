import { createTestDatabase, dropTestDatabase, pgConnectionOf } from '@shopmesh/testing';
import { migrateCatalog } from '../../apps/catalog/src/database/migrate';
import { seedCatalog } from '../../apps/catalog/src/seed/seed';

/** A fresh catalog test database for one suite: migrated, with the demo products. */
export async function prepareCatalogDatabase(
  suite: string,
  env: Record<string, string>,
): Promise<{ database: string; drop: () => Promise<void> }> {
  const database = await createTestDatabase(pgConnectionOf(env), 'shopmesh_catalog', suite);
  const withDb = { ...env, CATALOG_DB_NAME: database };
  await migrateCatalog(withDb);
  await seedCatalog(withDb);
  return { database, drop: () => dropTestDatabase(pgConnectionOf(env), database) };
}
