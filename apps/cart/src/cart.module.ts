import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import type { CartConfig } from './cart.config';
import { CartsModule } from './cart/carts.module';

/** What tests change: where logs go, the Redis key base and the consumer group (one per suite). */
export interface CartModuleOverrides {
  logDestination?: DestinationStream;
  keyBase?: string;
  consumerName?: string;
  consumeFromBeginning?: boolean;
}

@Module({})
export class CartModule {
  static forRoot(config: CartConfig, overrides: CartModuleOverrides = {}): DynamicModule {
    return {
      module: CartModule,
      imports: [
        ServiceKitModule.forService(config, { logDestination: overrides.logDestination }),
        CartsModule.register({
          redisUrl: config.redisUrl ?? '',
          ttlSeconds: config.app.CART_TTL_SECONDS,
          keyBase: overrides.keyBase ?? 'cart',
          consumer: { name: overrides.consumerName ?? 'catalog-events', fromBeginning: overrides.consumeFromBeginning },
        }),
      ],
    };
  }
}
