import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createCatalogRedis } from './catalog-redis';
import { CreateProductService } from './create-product/create-product.service';
import { DeactivateProductService } from './deactivate-product/deactivate-product.service';
import { GetProductService } from './get-product/get-product.service';
import { GetProductsService } from './get-products/get-products.service';
import { ListProductsService } from './list-products/list-products.service';
import { ProductCache } from './product-cache';
import { ProductRepository } from './product.repository';
import { ProductsRpcController } from './products.rpc.controller';
import { CATALOG_REDIS, PRODUCT_CACHE_OPTIONS, type ProductCacheOptions } from './products.tokens';
import { UpdateProductService } from './update-product/update-product.service';

export interface ProductsModuleOptions {
  redisUrl: string;
  /** Seconds a product stays cached (0 turns the cache off, pages included). */
  cacheTtlSeconds: number;
  /** Seconds a list or search page stays cached; default min(10, cacheTtlSeconds). */
  pageCacheTtlSeconds?: number;
}

@Module({})
export class ProductsModule {
  static register(options: ProductsModuleOptions): DynamicModule {
    const ttls = {
      productTtlSeconds: options.cacheTtlSeconds,
      pageTtlSeconds: options.cacheTtlSeconds === 0 ? 0 : (options.pageCacheTtlSeconds ?? Math.min(10, options.cacheTtlSeconds)),
    };
    return {
      module: ProductsModule,
      controllers: [ProductsRpcController],
      providers: [
        ProductRepository,
        ProductCache,
        ListProductsService,
        GetProductService,
        GetProductsService,
        CreateProductService,
        UpdateProductService,
        DeactivateProductService,
        {
          provide: PRODUCT_CACHE_OPTIONS,
          inject: [getDataSourceToken()],
          useFactory: (dataSource: DataSource): ProductCacheOptions => ({
            namespace: cacheNamespaceOf(String(dataSource.options.database)),
            ...ttls,
          }),
        },
        { provide: CATALOG_REDIS, useFactory: () => createCatalogRedis(options.redisUrl) },
      ],
    };
  }
}

/** The cache namespace of a catalogue database. */
export const cacheNamespaceOf = (database: string): string => `catalog:${database}`;
