export { DatabaseModule } from './database.module';
export { postgresDataSourceOptions, type DatabaseSchema, type PostgresSettings } from './data-source-options';
export { assertSafeDatabase, isTestDatabaseName } from './test-database.guard';
export { migrateMain, runMigrations, runServiceMigrations, serviceDataSourceOptions } from './run-migrations';
