import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import type { CatalogConfig } from './catalog.config';
import { catalogSchema } from './database/catalog.data-source';
import { ProductsModule } from './products/products.module';

@Module({})
export class CatalogModule {
  static forRoot(config: CatalogConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: CatalogModule,
      imports: [
        ServiceKitModule.forService(config, { database: catalogSchema, redisOptional: true, logDestination }),
        ProductsModule.register({
          redisUrl: config.redisUrl ?? '',
          cacheTtlSeconds: config.app.CATALOG_CACHE_TTL_SECONDS,
          pageCacheTtlSeconds: config.app.CATALOG_PAGE_CACHE_TTL_SECONDS,
        }),
      ],
    };
  }
}
