import { postgresDataSourceOptions } from '@shopmesh/database';
import type { DataSourceOptions } from 'typeorm';
import type { CatalogConfig } from '../catalog.config';
import { ProductEntity } from '../products/product.entity';
import { CreateProducts1763840000000 } from './migrations/1763840000000-create-products';
import { CreateMessagingTables1763900000000 } from './migrations/1763900000000-create-messaging-tables';

/** Catalog's own database: its entities and migrations. */
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
    { entities: [ProductEntity], migrations: [CreateProducts1763840000000, CreateMessagingTables1763900000000] },
  );
