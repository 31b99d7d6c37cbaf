import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import { AuthModule } from './auth/auth.module';
import { EdgeModule } from './edge/edge.module';
import { edgeOptionsOf } from './edge/edge.env';
import type { GatewayConfig } from './gateway.config';
import { CartController } from './cart/cart.controller';
import { InventoryController } from './inventory/inventory.controller';
import { CheckoutController } from './orders/checkout.controller';
import { OrderEventStreams } from './orders/order-events/order-event-streams';
import { OrderEventsController } from './orders/order-events/order-events.controller';
import { OrdersController } from './orders/orders.controller';
import { OpsModule } from './ops/ops.module';
import { ProductsController } from './products/products.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        // Redis only holds rate limits, which fail open for reads: without it the gateway still serves (degraded)
        ServiceKitModule.forService(config, { redisOptional: true, logDestination }),
        EdgeModule.register(edgeOptionsOf(config.app, config.redisUrl ?? '')),
        AuthModule.register(config),
        OpsModule.register({ traceUiUrl: config.app.TRACE_UI_URL }),
      ],
      controllers: [
        ProductsController,
        CartController,
        CheckoutController,
        InventoryController,
        OrdersController,
        OrderEventsController,
      ],
      providers: [OrderEventStreams],
    };
  }
}
