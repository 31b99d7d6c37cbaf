export { DatabaseModule } from './database.module';
export { postgresDataSourceOptions, type PostgresSettings } from './data-source-options';
export { assertSafeDatabase, isTestDatabaseName } from './test-database.guard';
export { runMigrations } from './run-migrations';
