import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** Outbox backlog, age of the oldest unpublished row, publish latency and failures. */
export class OutboxMetrics {
  readonly publishDuration: Histogram;
  readonly published: Counter;
  readonly failures: Counter;

  constructor(registry: Registry, dataSource: DataSource) {
    // both gauges come from one query; a scrape collects them back to back, so they share it
    let last: { at: number; value: Promise<{ count: number; age: number }> } | undefined;
    const query = async (): Promise<{ count: number; age: number }> => {
      const [row] = await dataSource.query<Array<{ count: number; age: number }>>(
        `SELECT count(*)::int AS count, COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float AS age
           FROM outbox WHERE published_at IS NULL`,
      );
      return row ?? { count: 0, age: 0 };
    };
    const backlog = (): Promise<{ count: number; age: number }> => {
      if (!last || Date.now() - last.at > 1000) last = { at: Date.now(), value: query() };
      return last.value;
    };
    new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox rows not yet published.',
      registers: [registry],
      async collect() {
        this.set((await backlog()).count);
      },
    });
    new Gauge({
      name: 'outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when none).',
      registers: [registry],
      async collect() {
        this.set((await backlog()).age);
      },
    });
    this.publishDuration = new Histogram({
      name: 'outbox_publish_duration_seconds',
      help: 'Duration of one relay batch: send to Kafka (acks=all) and mark published.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.published = new Counter({ name: 'outbox_published_total', help: 'Outbox messages published.', registers: [registry] });
    this.failures = new Counter({
      name: 'outbox_publish_failures_total',
      help: 'Relay batches that failed to publish.',
      registers: [registry],
    });
  }
}
