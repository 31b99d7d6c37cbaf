import type { DataSourceOptions } from 'typeorm';
import { assertSafeDatabase } from './test-database.guard';

/** A service's entities and migrations. */
export interface DatabaseSchema {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

export interface PostgresSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** `test` when running tests: only a test database is then accepted. */
  nodeEnv: string;
  /** Shown in `pg_stat_activity`. */
  applicationName: string;
}

/**
 * TypeORM options of a service's own database. The schema only changes through the
 * service's migrations: `synchronize` is off, always.
 */
export function postgresDataSourceOptions(settings: PostgresSettings, schema: DatabaseSchema): DataSourceOptions {
  assertSafeDatabase(settings.database, settings.nodeEnv);
  return {
    type: 'postgres',
    host: settings.host,
    port: settings.port,
    username: settings.user,
    password: settings.password,
    database: settings.database,
    applicationName: settings.applicationName,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    extra: { max: 10, connectionTimeoutMillis: 3000, statement_timeout: 10_000 },
  };
}
