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
    const reservations = heldReservations(dataSource);
    new Gauge({
      name: 'inventory_reservations_held',
      help: 'Orders holding reserved stock now (status RESERVED).',
      registers: [registry],
      async collect() {
        this.set((await reservations()).held);
      },
    });
    new Gauge({
      name: 'inventory_reservations_past_expiry',
      help: 'Reservations still held (RESERVED) after their expiry: the sweeper releases them within its interval.',
      registers: [registry],
      async collect() {
        this.set((await reservations()).pastExpiry);
      },
    });
    new Gauge({
      name: 'inventory_reservation_oldest_past_expiry_seconds',
      help: 'How long ago the expiry of the oldest reservation still held passed (0 when none).',
      registers: [registry],
      async collect() {
        this.set((await reservations()).oldest);
      },
    });
  }
}

interface Held {
  held: number;
  pastExpiry: number;
  oldest: number;
}

/**
 * Reservations held, read at scrape time (one query for the three gauges, cached for a second);
 * a database that fails keeps the last values: readiness says it is down, the scrape does not fail.
 */
function heldReservations(dataSource: DataSource): () => Promise<Held> {
  let known: Held = { held: 0, pastExpiry: 0, oldest: 0 };
  let last: { at: number; value: Promise<Held> } | undefined;
  const query = async (): Promise<Held> => {
    try {
      const [row] = await dataSource.query<Held[]>(
        `SELECT count(*)::int AS held,
                (count(*) FILTER (WHERE expires_at <= now()))::int AS "pastExpiry",
                COALESCE(EXTRACT(EPOCH FROM now() - min(expires_at) FILTER (WHERE expires_at <= now())), 0)::float AS oldest
           FROM reservation_orders WHERE status = 'RESERVED'`,
      );
      known = row ?? known;
    } catch {
      // the database is down: keep the last values
    }
    return known;
  };
  return () => {
    if (!last || Date.now() - last.at > 1000) last = { at: Date.now(), value: query() };
    return last.value;
  };
}
