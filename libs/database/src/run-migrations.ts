import type { PostgresConfig } from '@shopmesh/config';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { postgresDataSourceOptions, type DatabaseSchema } from './data-source-options';

/** Applies pending migrations of one database and returns their names. */
export async function runMigrations(options: DataSourceOptions): Promise<string[]> {
  const dataSource = new DataSource({ ...options, logging: ['error'] });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** The data source options of a service's database; fails if its config has no Postgres section. */
export function serviceDataSourceOptions(postgres: PostgresConfig | undefined, schema: DatabaseSchema): DataSourceOptions {
  if (!postgres) throw new Error('this service does not declare Postgres as a dependency');
  return postgresDataSourceOptions(postgres, schema);
}

/** Applies a service's pending migrations. */
export const runServiceMigrations = (postgres: PostgresConfig | undefined, schema: DatabaseSchema): Promise<string[]> =>
  runMigrations(serviceDataSourceOptions(postgres, schema));

/**
 * The body of a service's `migrate.ts` run as a script (`node dist/apps/<app>/src/database/migrate.js`):
 * reads `.env`, applies the migrations, prints how many, exits 1 with one line on failure.
 */
export function migrateMain(service: string, migrate: () => Promise<string[]>): void {
  migrate()
    .then((applied) => process.stdout.write(`${service}: ${applied.length} migration(s) applied\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${service}: migrations failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
