import { serviceDataSourceOptions, type DatabaseSchema } from '@shopmesh/database';
import type { DataSourceOptions } from 'typeorm';
import type { CatalogConfig } from '../catalog.config';
import { ProductEntity } from '../products/product.entity';
import { CreateProducts1763840000000 } from './migrations/1763840000000-create-products';
import { CreateMessagingTables1763900000000 } from './migrations/1763900000000-create-messaging-tables';

/** Catalog's own database: its entities and migrations. */
export const catalogSchema: DatabaseSchema = {
  entities: [ProductEntity],
  migrations: [CreateProducts1763840000000, CreateMessagingTables1763900000000],
};

/** TypeORM options of catalog's database (scripts: seed, benchmarks). */
export const catalogDataSourceOptions = (config: CatalogConfig): DataSourceOptions =>
  serviceDataSourceOptions(config.postgres, catalogSchema);
