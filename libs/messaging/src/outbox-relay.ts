import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { backoffDelay } from './backoff';
import type { OutboxMetrics } from './outbox-metrics';
import { OUTBOX_LANES } from './outbox';

export interface RelayOptions {
  /** Rows per Kafka batch. */
  batchSize: number;
  /** Idle wait between polls when the outbox is empty. */
  pollIntervalMs: number;
  /** Backoff bounds while Kafka (or the database) fails. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Published rows older than this are deleted. */
  retentionMs: number;
}

interface OutboxRow {
  position: string;
  topic: string;
  message_key: string;
  envelope: unknown;
  headers: Record<string, string>;
}

/** Namespace of the relay's advisory locks (one lock per lane). */
const LOCK_NAMESPACE = 0x0b0c;

/**
 * Publishes the outbox to Kafka. Each pass takes every lane with work whose advisory lock it can
 * get, claims its oldest rows with `FOR UPDATE SKIP LOCKED`, sends them as one batch (acks=all,
 * idempotent producer), and marks them published in the same transaction. If the send fails the
 * transaction rolls back, so nothing is lost, and the relay backs off; since a lane is worked by
 * one relay at a time, in `position` order, no key is reordered even with several relays.
 * A crash after the send but before the commit publishes that batch again (at-least-once):
 * consumers are idempotent on the envelope id.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake = new AbortController();
  private lastPrune = 0;
  private connected = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly options: RelayOptions,
    private readonly metrics?: OutboxMetrics,
    private readonly log: (level: 'warn' | 'info', message: string, error?: unknown) => void = () => undefined,
  ) {}

  start(): void {
    if (this.running) return;
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in flight; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake.abort();
    await this.loop;
  }

  /** Publishes what is pending now, lane by lane; returns how many messages were published. */
  async publishPending(): Promise<number> {
    const lanes = await this.dataSource.query<Array<{ lane: number }>>(
      `SELECT DISTINCT lane FROM outbox WHERE published_at IS NULL`,
    );
    let published = 0;
    for (const { lane } of lanes) published += await this.publishLane(lane);
    return published;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.ensureConnected();
        const published = await this.publishPending();
        if (failures > 0) this.log('info', `outbox relay recovered after ${failures} failed attempt(s)`);
        failures = 0;
        await this.pruneIfDue();
        if (published === 0) await this.idle(this.options.pollIntervalMs);
      } catch (error) {
        failures += 1;
        this.metrics?.failures.inc();
        if (failures === 1) this.log('warn', 'outbox relay cannot publish; backing off', error);
        await this.idle(backoffDelay(failures, this.options.minBackoffMs, this.options.maxBackoffMs));
      }
    }
  }

  private async ensureConnected(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  private async publishLane(lane: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [lock] = await manager.query<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock($1, $2) AS locked`, [
        LOCK_NAMESPACE,
        lane,
      ]);
      if (!lock?.locked) return 0;
      const rows = await manager.query<OutboxRow[]>(
        `SELECT position, topic, message_key, envelope, headers FROM outbox
          WHERE lane = $1 AND published_at IS NULL ORDER BY position LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [lane, this.options.batchSize],
      );
      if (rows.length === 0) return 0;
      await this.send(rows);
      await this.markPublished(manager, rows);
      return rows.length;
    });
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({ key: row.message_key, value: JSON.stringify(row.envelope), headers: row.headers });
      byTopic.set(row.topic, messages);
    }
    const stop = this.metrics?.publishDuration.startTimer();
    await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    stop?.();
    this.metrics?.published.inc(rows.length);
  }

  private async markPublished(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    await manager.query(`UPDATE outbox SET published_at = clock_timestamp() WHERE position = ANY($1::bigint[])`, [
      rows.map((r) => r.position),
    ]);
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < Math.min(60_000, this.options.retentionMs)) return;
    this.lastPrune = Date.now();
    await this.dataSource.query(`DELETE FROM outbox WHERE published_at < clock_timestamp() - make_interval(secs => $1)`, [
      this.options.retentionMs / 1000,
    ]);
  }

  private async idle(ms: number): Promise<void> {
    if (!this.running) return;
    try {
      await sleep(ms, undefined, { signal: this.wake.signal });
    } catch {
      this.wake = new AbortController();
    }
  }
}

export { OUTBOX_LANES };
