import { Injectable } from '@nestjs/common';
import { Metrics } from '@shopmesh/metrics';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Orders' own metrics, on the service's registry. */
@Injectable()
export class OrdersMetrics {
  /** Orders by outcome (accepted, confirmed, cancelled) and cancellation reason. */
  readonly orders: Counter<'outcome' | 'reason'>;
  /** Seconds from acceptance to CONFIRMED or CANCELLED. */
  readonly sagaDuration: Histogram<'outcome'>;
  /** Compensations sent again because their acknowledgement was overdue. */
  readonly compensationResends: Counter<'compensation'>;
  /** Sagas past their deadline at the last scan (the scanner is behind, or compensations keep failing). */
  readonly overdueSagas: Gauge;
  /** Carts that could not be emptied after their checkout was accepted. */
  readonly cartClearFailures: Counter;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.orders = new Counter({
      name: 'orders_total',
      help: 'Orders by outcome (accepted, confirmed, cancelled) and cancellation reason (none unless cancelled).',
      labelNames: ['outcome', 'reason'] as const,
      registers,
    });
    this.sagaDuration = new Histogram({
      name: 'orders_saga_duration_seconds',
      help: 'Seconds from an order being accepted to its saga ending CONFIRMED or CANCELLED.',
      labelNames: ['outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
      registers,
    });
    this.compensationResends = new Counter({
      name: 'orders_compensation_resends_total',
      help: 'Compensation commands sent again because their acknowledgement was overdue, by compensation.',
      labelNames: ['compensation'] as const,
      registers,
    });
    this.overdueSagas = new Gauge({
      name: 'orders_overdue_sagas',
      help: 'Sagas past their deadline seen by the last deadline scan of this instance.',
      registers,
    });
    this.cartClearFailures = new Counter({
      name: 'orders_cart_clear_failures_total',
      help: 'Checkouts accepted whose cart could not be emptied afterwards.',
      registers,
    });
  }
}
