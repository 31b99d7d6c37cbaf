import { postgresDataSourceOptions } from '@shopmesh/database';
import type { DataSourceOptions } from 'typeorm';
import type { CatalogConfig } from '../catalog.config';
import { CreateProducts1763840000000 } from './migrations/1763840000000-create-products';
import { CreateMessagingTables1763900000000 } from './migrations/1763900000000-create-messaging-tables';
import { SearchProducts1764000000000 } from './migrations/1764000000000-search-products';

/** Catalog's own database and its migrations (no entities: `ProductRepository` speaks SQL). */
export const catalogDataSourceOptions = (config: CatalogConfig): DataSourceOptions =>
  postgresDataSourceOptions(
    {
      host: config.POSTGRES_HOST,
      port: config.POSTGRES_PORT,
      user: config.POSTGRES_USER,
      password: config.POSTGRES_PASSWORD,
      database: config.CATALOG_DB_NAME,
      nodeEnv: config.NODE_ENV,
      applicationName: 'shopmesh-catalog',
    },
    {
      entities: [],
      migrations: [CreateProducts1763840000000, CreateMessagingTables1763900000000, SearchProducts1764000000000],
    },
  );
