import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import { DatabaseModule } from '@shopmesh/database';
import { RpcServerModule } from '@shopmesh/rpc';
import type { DestinationStream } from 'pino';
import type { CatalogConfig } from './catalog.config';
import { catalogDataSourceOptions } from './database/catalog.data-source';
import { ProductsModule } from './products/products.module';

@Module({})
export class CatalogModule {
  static forRoot(config: CatalogConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: CatalogModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'catalog',
          logging: { level: config.LOG_LEVEL, destination: logDestination },
          health: {
            postgres: true,
            redisUrl: config.REDIS_URL,
            kafkaBrokers: config.KAFKA_BROKERS,
            timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS,
          },
          drainMs: config.SHUTDOWN_DRAIN_MS,
        }),
        DatabaseModule.forRoot(catalogDataSourceOptions(config)),
        RpcServerModule,
        ProductsModule.register({ redisUrl: config.REDIS_URL, cacheTtlSeconds: config.CATALOG_CACHE_TTL_SECONDS }),
      ],
    };
  }
}
