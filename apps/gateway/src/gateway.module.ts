import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import { AuthModule } from './auth/auth.module';
import { EdgeModule } from './edge/edge.module';
import { edgeOptionsOf } from './edge/edge.env';
import { rateLimitSettingsDefaults } from './edge/rate-limit/live-policies';
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
    const edge = edgeOptionsOf(config.app, config.redisUrl ?? '');
    return {
      module: GatewayModule,
      imports: [
        // Redis only holds rate limits, which fail open for reads, and the live settings, whose last good values
        // stay: without it the gateway still serves (degraded)
        ServiceKitModule.forService(config, {
          redisOptional: true,
          logDestination,
          settingsDefaults: rateLimitSettingsDefaults(edge.rateLimit.policies),
        }),
        EdgeModule.register(edge),
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
