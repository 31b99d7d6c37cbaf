import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Metrics } from '@shopmesh/metrics';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';

interface Overdue {
  count: number;
  oldest: number;
}

/** Orders' own metrics, on the service's registry. */
@Injectable()
export class OrdersMetrics {
  /** Orders by outcome (accepted, confirmed, cancelled) and cancellation reason. */
  readonly orders: Counter<'outcome' | 'reason'>;
  /** Seconds from acceptance to CONFIRMED or CANCELLED. */
  readonly sagaDuration: Histogram<'outcome'>;
  /** Compensations sent again because their acknowledgement was overdue. */
  readonly compensationResends: Counter<'compensation'>;
  /** Seconds a saga spent in a forward step (PENDING, STOCK_RESERVED, PAYMENT_AUTHORIZED) before it moved on. */
  readonly sagaStepDuration: Histogram<'step' | 'next'>;
  /** Carts that could not be emptied after their checkout was accepted. */
  readonly cartClearFailures: Counter;

  constructor(metrics: Metrics, @InjectDataSource() dataSource: DataSource) {
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
    this.sagaStepDuration = new Histogram({
      name: 'orders_saga_step_duration_seconds',
      help: 'Seconds a saga spent in a forward step before moving on, by step left and step reached.',
      labelNames: ['step', 'next'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    const overdue = sagasPastDeadline(dataSource);
    new Gauge({
      name: 'orders_sagas_past_deadline',
      help: 'Non-terminal sagas whose deadline has passed (the deadline scanner moves them within its interval).',
      registers,
      async collect() {
        this.set((await overdue()).count);
      },
    });
    new Gauge({
      name: 'orders_saga_oldest_past_deadline_seconds',
      help: 'How long ago the deadline of the most overdue non-terminal saga passed (0 when none is overdue).',
      registers,
      async collect() {
        this.set((await overdue()).oldest);
      },
    });
    this.cartClearFailures = new Counter({
      name: 'orders_cart_clear_failures_total',
      help: 'Checkouts accepted whose cart could not be emptied afterwards.',
      registers,
    });
  }
}

/**
 * Sagas past their deadline, read from the database at scrape time (one query for both gauges,
 * through the partial index on `deadline_at`); a database that fails keeps the last values.
 */
function sagasPastDeadline(dataSource: DataSource): () => Promise<Overdue> {
  let last: { at: number; value: Promise<Overdue> } | undefined;
  let known: Overdue = { count: 0, oldest: 0 };
  const query = async (): Promise<Overdue> => {
    try {
      const [row] = await dataSource.query<Overdue[]>(
        `SELECT count(*)::int AS count, COALESCE(EXTRACT(EPOCH FROM now() - min(deadline_at)), 0)::float AS oldest
           FROM orders WHERE deadline_at <= now()`,
      );
      known = row ?? known;
    } catch {
      // the database is down: readiness says so; the scrape keeps the last values rather than failing
    }
    return known;
  };
  return () => {
    if (!last || Date.now() - last.at > 1000) last = { at: Date.now(), value: query() };
    return last.value;
  };
}
