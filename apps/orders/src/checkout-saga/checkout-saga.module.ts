import { DynamicModule, Module } from '@nestjs/common';
import type { PostgresConfig } from '@shopmesh/config';
import { LiveSettings } from '@shopmesh/settings';
import { AcceptOrderService } from '../accept-order/accept-order.service';
import { CancelOrderService } from '../cancel-order/cancel-order.service';
import { CheckoutService } from '../checkout/checkout.service';
import { IDEMPOTENCY_TTL_HOURS, IdempotencyKeys } from '../idempotency/idempotency-keys.service';
import { HistoryListener, LISTENER_POSTGRES } from '../order-history/history-listener';
import { OrderHistoryService } from '../order-history/order-history.service';
import { OrdersMetrics } from '../orders-metrics';
import { OrdersRpcController } from '../orders.rpc.controller';
import { OrdersAdminRpcController } from '../operate-sagas/orders-admin.rpc.controller';
import { SagaOperationsService } from '../operate-sagas/saga-operations.service';
import { CatalogOffers } from '../place-order/catalog-offers';
import { PlaceOrderService } from '../place-order/place-order.service';
import { ViewOrdersService } from '../view-orders/view-orders.service';
import { DeadlineScanner, SCAN_INTERVAL_MS } from './deadline-scanner.service';
import { liveSagaSettings } from './live-saga-settings';
import type { SagaSettings } from './saga';
import { SAGA_CONSUMERS, SagaRepliesConsumer, type SagaConsumerOptions } from './saga-replies.consumer';
import { SagaRunner } from './saga-runner.service';
import { ORDERS_CLOCK, SAGA_SETTINGS, systemClock, type Clock } from './saga-settings';

export interface CheckoutSagaOptions {
  /** The step deadline and reservation TTL here are the environment's: live settings override them. */
  saga: SagaSettings;
  scanIntervalMs: number;
  idempotencyTtlHours: number;
  consumers: SagaConsumerOptions;
  /** The LISTEN connection of order history (the service's own database). */
  postgres: PostgresConfig;
  clock?: Clock;
}

/** Orders and their checkout saga: the RPCs, the reply consumers, the deadline scanner, idempotency keys. */
@Module({})
export class CheckoutSagaModule {
  static register(options: CheckoutSagaOptions): DynamicModule {
    return {
      module: CheckoutSagaModule,
      controllers: [OrdersRpcController, OrdersAdminRpcController],
      providers: [
        {
          provide: SAGA_SETTINGS,
          inject: [{ token: LiveSettings, optional: true }],
          useFactory: (live?: LiveSettings) => (live ? liveSagaSettings(options.saga, live) : options.saga),
        },
        { provide: SCAN_INTERVAL_MS, useValue: options.scanIntervalMs },
        { provide: IDEMPOTENCY_TTL_HOURS, useValue: options.idempotencyTtlHours },
        { provide: SAGA_CONSUMERS, useValue: options.consumers },
        { provide: LISTENER_POSTGRES, useValue: options.postgres },
        { provide: ORDERS_CLOCK, useValue: options.clock ?? systemClock },
        OrdersMetrics,
        SagaRunner,
        SagaRepliesConsumer,
        DeadlineScanner,
        IdempotencyKeys,
        CatalogOffers,
        AcceptOrderService,
        PlaceOrderService,
        CheckoutService,
        ViewOrdersService,
        OrderHistoryService,
        HistoryListener,
        CancelOrderService,
        SagaOperationsService,
      ],
    };
  }
}
