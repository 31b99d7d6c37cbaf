import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import { ordersSchema } from './database/orders.data-source';
import type { OrdersConfig } from './orders.config';

/** Orders: orders, the checkout saga (orchestrator) and idempotency keys. */
@Module({})
export class OrdersModule {
  static forRoot(config: OrdersConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: OrdersModule,
      imports: [ServiceKitModule.forService(config, { database: ordersSchema, logDestination })],
    };
  }
}
