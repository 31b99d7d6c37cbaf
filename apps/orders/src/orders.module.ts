import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import { CheckoutSagaModule } from './checkout-saga/checkout-saga.module';
import { DEFAULT_SAGA_CONSUMERS, type SagaConsumerOptions } from './checkout-saga/saga-replies.consumer';
import { ordersSchema } from './database/orders.data-source';
import type { OrdersConfig } from './orders.config';

/** What tests change: where logs go and the consumer groups (one per suite). */
export interface OrdersModuleOverrides {
  logDestination?: DestinationStream;
  consumers?: SagaConsumerOptions;
}

/** Orders: orders, the checkout saga (orchestrator) and idempotency keys. */
@Module({})
export class OrdersModule {
  static forRoot(config: OrdersConfig, options: OrdersModuleOverrides = {}): DynamicModule {
    const app = config.app;
    if (!config.postgres) throw new Error('orders uses Postgres');
    return {
      module: OrdersModule,
      imports: [
        ServiceKitModule.forService(config, {
          database: ordersSchema,
          logDestination: options.logDestination,
          settingsDefaults: {
            'orders.stepTimeoutMs': app.ORDER_STEP_TIMEOUT_MS,
            'orders.reservationTtlSeconds': app.RESERVATION_TTL_SECONDS,
          },
        }),
        CheckoutSagaModule.register({
          saga: {
            stepTimeoutMs: app.ORDER_STEP_TIMEOUT_MS,
            compensationRetryMs: app.ORDER_COMPENSATION_RETRY_MS,
            reservationTtlMs: app.RESERVATION_TTL_SECONDS * 1000,
          },
          scanIntervalMs: app.ORDER_DEADLINE_SCAN_INTERVAL_MS,
          idempotencyTtlHours: app.IDEMPOTENCY_KEY_TTL_HOURS,
          consumers: options.consumers ?? DEFAULT_SAGA_CONSUMERS,
          postgres: config.postgres,
        }),
      ],
    };
  }
}
