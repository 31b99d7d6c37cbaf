import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import { DatabaseModule } from '@shopmesh/database';
import { MessagingModule } from '@shopmesh/messaging';
import { RegistryModule, RpcServerModule } from '@shopmesh/rpc';
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
        MessagingModule.forRoot({
          service: 'catalog',
          brokers: config.KAFKA_BROKERS,
          relay: {
            batchSize: config.OUTBOX_BATCH_SIZE,
            pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
            minBackoffMs: 200,
            maxBackoffMs: 5000,
            retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000,
          },
          consumer: {
            maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
            minBackoffMs: config.CONSUMER_BACKOFF_MIN_MS,
            maxBackoffMs: config.CONSUMER_BACKOFF_MAX_MS,
          },
        }),
        RpcServerModule,
        ...(config.SERVICE_REGISTRY === 'redis'
          ? [
              RegistryModule.register({
                redisUrl: config.REDIS_URL,
                namespace: config.REGISTRY_NAMESPACE,
                service: 'catalog',
                advertisedAddress: config.CATALOG_ADVERTISED_ADDRESS[0] ?? '',
                ttlMs: config.REGISTRY_TTL_MS,
              }),
            ]
          : []),
        ProductsModule.register({ redisUrl: config.REDIS_URL, cacheTtlSeconds: config.CATALOG_CACHE_TTL_SECONDS }),
      ],
    };
  }
}
