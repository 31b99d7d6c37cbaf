import { loadDotEnv } from '@shopmesh/config';
import { runMigrations } from '@shopmesh/database';
import { loadCatalogConfig } from '../catalog.config';
import { catalogDataSourceOptions } from './catalog.data-source';

/** Applies catalog's pending migrations. */
export async function migrateCatalog(source?: Record<string, string | undefined>): Promise<string[]> {
  return runMigrations(catalogDataSourceOptions(loadCatalogConfig(source)));
}

if (require.main === module) {
  loadDotEnv();
  migrateCatalog()
    .then((applied) => process.stdout.write(`catalog: ${applied.length} migration(s) applied\n`))
    .catch((error: unknown) => {
      process.stderr.write(`catalog: migrations failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
