import { Counter, Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** What the reservation sweeper does, on `/metrics`: releases, failures, when it last succeeded, what is held. */
export class SweeperMetrics {
  readonly expired: Counter;
  readonly failures: Counter;
  readonly lastSuccess: Gauge;

  constructor(registry: Registry, dataSource: DataSource) {
    this.expired = new Counter({
      name: 'inventory_reservations_expired_total',
      help: 'Reservations released because they passed their expiry without a commit or release.',
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'inventory_reservation_sweep_failures_total',
      help: 'Sweeps for expired reservations that failed (each one is logged).',
      registers: [registry],
    });
    this.lastSuccess = new Gauge({
      name: 'inventory_reservation_sweep_last_success_timestamp_seconds',
      help: 'When the reservation sweeper last completed a sweep (Unix time).',
      registers: [registry],
    });
    let held = 0;
    new Gauge({
      name: 'inventory_reservations_held',
      help: 'Orders holding reserved stock now (status RESERVED).',
      registers: [registry],
      async collect() {
        try {
          const [row] = await dataSource.query<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM reservation_orders WHERE status = 'RESERVED'`,
          );
          held = row?.n ?? held;
        } catch {
          // the database is down: readiness says so; the scrape keeps the last value rather than failing
        }
        this.set(held);
      },
    });
  }
}
