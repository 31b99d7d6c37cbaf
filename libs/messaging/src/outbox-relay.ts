import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, Producer } from 'kafkajs';
import { sendTracedMessages, type OutgoingMessage } from '@shopmesh/tracing';
import type { DataSource, EntityManager } from 'typeorm';
import { backoffDelay } from './backoff';
import { onOutboxCommit } from './outbox-commits';
import type { OutboxMetrics } from './outbox-metrics';

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
  /**
   * What starts a pass besides the poll every `pollIntervalMs` (which always runs, for rows written
   * by other processes). `commit` (default): the commit of a transaction of this process that
   * recorded outbox rows (see outbox-commits.ts); `notify`: that, and the `outbox_inserted`
   * notification that `Outbox` sends when told to (any process; NOTIFY takes a global lock at
   * commit, see BENCHMARKS.md); `poll`: the poll only.
   */
  wake?: 'commit' | 'poll' | 'notify';
  /**
   * How long `stop()` waits for the batch in flight (default 5000 ms). A batch still in flight then
   * commits or rolls back on its own; if it did not commit it is published again later.
   */
  stopTimeoutMs?: number;
}

/** The Postgres channel `Outbox` notifies (when `notify` is on) and the relay listens to. */
export const OUTBOX_CHANNEL = 'outbox_inserted';

/** A client checked out of the data source's pool (pg `PoolClient`), kept for `LISTEN`. */
interface ListeningClient {
  query(sql: string): Promise<unknown>;
  on(event: 'notification' | 'error' | 'end', listener: () => void): void;
  release(destroy?: boolean): void;
}

const DEFAULT_STOP_TIMEOUT_MS = 5000;

/**
 * Makes the relay's Kafka producer. Given a factory (rather than one producer), the relay owns its
 * producer and replaces it after a failed pass: a kafkajs idempotent producer whose send failed
 * across a broker restart can be left with sequence numbers the broker refuses for good
 * (`OUT_OF_ORDER_SEQUENCE_NUMBER` on every later send, reconnecting does not reset them), and
 * only a new producer (a new producer id, sequences from 0) publishes again.
 */
export type ProducerFactory = () => Producer;

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
 * Publishes the outbox to Kafka. Each pass, in one transaction, takes the advisory lock of every
 * lane with work that no other relay holds, claims the oldest rows of those lanes with
 * `FOR UPDATE SKIP LOCKED`, sends them as one batch (acks=all, idempotent producer), and marks
 * them published. If the send fails the
 * transaction rolls back, so nothing is lost, and the relay backs off; since a lane is worked by
 * one relay at a time, in `position` order, no key is reordered even with several relays.
 * A crash after the send but before the commit publishes that batch again (at-least-once):
 * consumers are idempotent on the envelope id.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  /** A commit or notification asked for a pass since the current one began. */
  private kicked = false;
  /** The pause in progress, if any: `kickable` when a kick may cut it short (not a backoff). */
  private pausing?: { kickable: boolean; end: () => void };
  private unsubscribe?: () => void;
  private lastPrune = 0;
  private connected = false;
  private listener?: ListeningClient;
  private producer: Producer;
  private readonly factory?: ProducerFactory;

  constructor(
    private readonly dataSource: DataSource,
    /** The producer to publish with, or a factory of producers the relay owns and renews after a failure. */
    producer: Producer | ProducerFactory,
    private readonly options: RelayOptions,
    private readonly metrics?: OutboxMetrics,
    private readonly log: (level: 'warn' | 'info', message: string, error?: unknown) => void = () => undefined,
  ) {
    this.factory = typeof producer === 'function' ? producer : undefined;
    this.producer = typeof producer === 'function' ? producer() : producer;
  }

  start(): void {
    if (this.running) return;
    this.watch(this.producer);
    this.running = true;
    if ((this.options.wake ?? 'commit') !== 'poll') this.unsubscribe = onOutboxCommit(this.dataSource, () => this.kick());
    this.loop = this.run();
  }

  private watch(producer: Producer): void {
    producer.on(producer.events.DISCONNECT, () => {
      if (producer === this.producer) this.connected = false;
    });
  }

  /** After a failed pass, a producer of the relay's own is dropped and the next pass connects a new one. */
  private renewProducer(): void {
    if (!this.factory) return;
    const old = this.producer;
    this.producer = this.factory();
    this.connected = false;
    this.watch(this.producer);
    void old.disconnect().catch(() => undefined);
  }

  /**
   * Stops after the batch in flight, waiting for it at most `stopTimeoutMs`. The `LISTEN` connection
   * is closed at once, whatever the loop is doing: it is checked out of the data source's pool, which
   * (pg-pool `end()`) would otherwise wait for it forever when the data source is destroyed.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.pausing?.end();
    this.dropListener();
    const timeoutMs = this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    const timer = new AbortController();
    const ended = await Promise.race([
      (this.loop ?? Promise.resolve()).then(() => true),
      sleep(timeoutMs, false, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort();
    if (!ended) {
      this.log('warn', `outbox relay: the batch in flight did not finish within ${timeoutMs} ms; stopped without it`);
    }
    if (this.factory) await this.producer.disconnect().catch(() => undefined);
  }

  /**
   * Publishes one batch of what is pending now and returns its size (0: nothing to do, or every
   * lane with work is held by another relay).
   */
  async publishPending(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const lanes = await manager.query<Array<{ lane: number }>>(
        `SELECT lane FROM (SELECT DISTINCT lane FROM outbox WHERE published_at IS NULL) pending
          WHERE pg_try_advisory_xact_lock($1, lane)`,
        [LOCK_NAMESPACE],
      );
      if (lanes.length === 0) return 0;
      const rows = await manager.query<OutboxRow[]>(
        `SELECT position, topic, message_key, envelope, headers FROM outbox
          WHERE lane = ANY($1::smallint[]) AND published_at IS NULL ORDER BY position LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [lanes.map((l) => l.lane), this.options.batchSize],
      );
      if (rows.length === 0) return 0;
      await this.send(rows);
      await this.markPublished(manager, rows);
      return rows.length;
    });
  }

  private async listen(): Promise<void> {
    if (this.options.wake !== 'notify' || this.listener) return;
    const pool = (this.dataSource.driver as unknown as { master: { connect(): Promise<ListeningClient> } }).master;
    const client = await pool.connect();
    if (!this.running) return client.release(true);
    // a lost connection is dropped (the next pass listens again), never returned to the pool
    const lost = (): void => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.release(true);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.kick());
    try {
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (!this.running) return client.release(true);
    this.listener = client;
  }

  /** Closes the `LISTEN` connection (destroyed: a listening connection must not go back to the pool). */
  private dropListener(): void {
    const listener = this.listener;
    this.listener = undefined;
    listener?.release(true);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.ensureConnected();
        await this.listen();
        this.kicked = false; // what was committed before this pass's query is in it
        const published = await this.publishPending();
        if (failures > 0) this.log('info', `outbox relay recovered after ${failures} failed attempt(s)`);
        failures = 0;
        await this.pruneIfDue();
        if (published === 0) await this.pause(this.options.pollIntervalMs, true);
      } catch (error) {
        failures += 1;
        this.metrics?.failures.inc();
        if (failures === 1) this.log('warn', 'outbox relay cannot publish; backing off', error);
        this.renewProducer();
        // a backoff is not cut short by commits: while Kafka fails, every write would retry at once
        await this.pause(backoffDelay(failures, this.options.minBackoffMs, this.options.maxBackoffMs), false);
      }
    }
  }

  private async ensureConnected(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const outgoing: OutgoingMessage[] = [];
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? [];
      const headers = { ...row.headers };
      messages.push({ key: row.message_key, value: JSON.stringify(row.envelope), headers });
      outgoing.push({ topic: row.topic, key: row.message_key, headers });
      byTopic.set(row.topic, messages);
    }
    const stop = this.metrics?.publishDuration.startTimer();
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    // each message in a span of the trace it was written in (see sendTracedMessages)
    await sendTracedMessages(outgoing, () => this.producer.sendBatch({ acks: -1, topicMessages }));
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

  /** Asks for a pass now: ends an idle pause, or makes the next one return at once. */
  private kick(): void {
    this.kicked = true;
    if (this.pausing?.kickable) this.pausing.end();
  }

  /** Waits `ms`, until `stop()`, or (when `kickable`) until a kick; returns at once if kicked since the pass began. */
  private async pause(ms: number, kickable: boolean): Promise<void> {
    if (!this.running || (kickable && this.kicked)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(end, ms);
      function end(): void {
        clearTimeout(timer);
        resolve();
      }
      this.pausing = { kickable, end };
    });
    this.pausing = undefined;
  }
}
