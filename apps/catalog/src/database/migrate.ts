import { loadDotEnv } from '@shopmesh/config';
import { migrateMain, runServiceMigrations } from '@shopmesh/database';
import { loadCatalogConfig } from '../catalog.config';
import { catalogSchema } from './catalog.data-source';

/** Applies catalog's pending migrations. */
export const migrateCatalog = (source?: Record<string, string | undefined>): Promise<string[]> =>
  runServiceMigrations(loadCatalogConfig(source).postgres, catalogSchema);

if (require.main === module) {
  loadDotEnv();
  migrateMain('catalog', () => migrateCatalog());
}
