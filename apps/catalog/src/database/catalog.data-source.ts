import { serviceDataSourceOptions, type DatabaseSchema } from '@shopmesh/database';
import type { DataSourceOptions } from 'typeorm';
import type { CatalogConfig } from '../catalog.config';
import { CreateProducts1763840000000 } from './migrations/1763840000000-create-products';
import { CreateMessagingTables1763900000000 } from './migrations/1763900000000-create-messaging-tables';
import { SearchProducts1764000000000 } from './migrations/1764000000000-search-products';
import { CreateOpsAudit1765000000000 } from './migrations/1765000000000-create-ops-audit';

/** Catalog's own database and its migrations (no entities: `ProductRepository` speaks SQL). */
export const catalogSchema: DatabaseSchema = {
  entities: [],
  migrations: [
    CreateProducts1763840000000,
    CreateMessagingTables1763900000000,
    SearchProducts1764000000000,
    CreateOpsAudit1765000000000,
  ],
};

/** TypeORM options of catalog's database (scripts: seed, benchmarks). */
export const catalogDataSourceOptions = (config: CatalogConfig): DataSourceOptions =>
  serviceDataSourceOptions(config.postgres, catalogSchema);
