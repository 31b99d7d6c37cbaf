import { DynamicModule, Module } from '@nestjs/common';
import { createRedisClient } from '@shopmesh/redis';
import { CartRpcController } from './cart.rpc.controller';
import { CART_KEYS, CART_REDIS, CART_TTL_SECONDS, CATALOG_CONSUMER } from './cart.tokens';
import { ProductSnapshots } from './catalog/product-snapshots';
import { EditCartService } from './edit-cart/edit-cart.service';
import { CartKeys } from './store/cart-keys';
import { CartStore } from './store/cart-store';
import { CatalogEventsConsumer, type CatalogConsumerOptions } from './track-catalog/catalog-events.consumer';
import { TrackCatalogService } from './track-catalog/track-catalog.service';
import { ViewCartService } from './view-cart/view-cart.service';

export interface CartsOptions {
  redisUrl: string;
  ttlSeconds: number;
  /** Base of every Redis key (`cart`; tests take their own). */
  keyBase: string;
  consumer: CatalogConsumerOptions;
}

/** Carts: the RPCs, their store in Redis and the consumer keeping lines in step with catalog. */
@Module({})
export class CartsModule {
  static register(options: CartsOptions): DynamicModule {
    return {
      module: CartsModule,
      controllers: [CartRpcController],
      providers: [
        { provide: CART_REDIS, useFactory: () => createRedisClient(options.redisUrl, { purpose: 'cart' }) },
        { provide: CART_KEYS, useValue: new CartKeys(options.keyBase) },
        { provide: CART_TTL_SECONDS, useValue: options.ttlSeconds },
        { provide: CATALOG_CONSUMER, useValue: options.consumer },
        CartStore,
        ProductSnapshots,
        ViewCartService,
        EditCartService,
        TrackCatalogService,
        CatalogEventsConsumer,
      ],
    };
  }
}
