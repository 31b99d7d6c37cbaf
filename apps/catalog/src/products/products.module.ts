import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { ProductCache } from './product-cache';
import { ProductCommandsService } from './product-commands.service';
import { ProductEntity } from './product.entity';
import { ProductsRpcController } from './products.rpc.controller';
import { ProductsService } from './products.service';
import { CATALOG_REDIS, PRODUCT_CACHE_TTL_SECONDS } from './products.tokens';

@Module({})
export class ProductsModule {
  static register(options: { redisUrl: string; cacheTtlSeconds: number }): DynamicModule {
    return {
      module: ProductsModule,
      imports: [TypeOrmModule.forFeature([ProductEntity])],
      controllers: [ProductsRpcController],
      providers: [
        ProductsService,
        ProductCommandsService,
        ProductCache,
        { provide: PRODUCT_CACHE_TTL_SECONDS, useValue: options.cacheTtlSeconds },
        {
          provide: CATALOG_REDIS,
          useFactory: () => {
            const redis = new Redis(options.redisUrl, {
              enableOfflineQueue: false,
              maxRetriesPerRequest: 0,
              commandTimeout: 250,
              connectTimeout: 2000,
              retryStrategy: () => 500,
            });
            redis.on('error', () => undefined); // readiness reports Redis; the cache degrades to the database
            return redis;
          },
        },
      ],
    };
  }
}
