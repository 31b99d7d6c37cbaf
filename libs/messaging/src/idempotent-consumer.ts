import { setTimeout as sleep } from 'node:timers/promises';
import { CorrelationContext } from '@shopmesh/logging';
import type { Consumer, EachMessagePayload, IHeaders, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { backoffDelay } from './backoff';
import { consumerTransactionOf, type ConsumerTransaction } from './consumer-transaction';
import { EnvelopeSchema, type Envelope } from './envelope';
import { NonRetriableError } from './errors';
import type { DeadLetterSender } from './dead-letter-producer';
import { deadLetterTopicOf, DlqHeaders } from './dead-letters';
import { Outbox } from './outbox';

/** What a consumer does with one message, inside the transaction that records it as processed. */
export type MessageHandler = (envelope: Envelope, tx: ConsumerTransaction) => Promise<void>;

/**
 * A handler whose effect is idempotent by itself, for a service without a database to record
 * processed messages in (a Redis-only cart applies a price change only if its version is newer
 * than the one it holds). It must give the same outcome when a message comes twice or out of a replay.
 */
export type SelfIdempotentHandler = (envelope: Envelope) => Promise<void>;

export interface ConsumerOptions {
  /** Consumer name: the Kafka group id and the key of its processed-message records. */
  name: string;
  topics: string[];
  /** Either a handler run in the processed-message transaction (needs the data source)… */
  handler?: MessageHandler;
  /** …or one idempotent by itself. */
  selfIdempotentHandler?: SelfIdempotentHandler;
  /** Attempts before a retriable failure goes to the dead-letter topic. */
  maxAttempts: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  /**
   * How long the group waits for a silent member (a crashed or paused process) before it gives its
   * partitions to the others, and how long a new instance's join waits for it (kafkajs: 30 s);
   * heartbeats go every third of it.
   */
  sessionTimeoutMs?: number;
  /**
   * Where to start when the group has no committed offset: the start of the topic, or (default) its
   * current end, pinned: before it first consumes, the group commits the end of every partition it
   * has no offset for, so a message sent while the service is down is not skipped after a restart.
   */
  fromBeginning?: boolean;
  /** Partitions handled at once (each in order); default 3, the partitions of our topics. */
  partitionsConsumedConcurrently?: number;
}

export type ConsumerState = 'stopped' | 'starting' | 'running' | 'crashed';

export type ConsumerOutcome = 'processed' | 'duplicate' | 'retried' | 'dead-lettered';
type Outcome = ConsumerOutcome;

/**
 * A Kafka consumer whose effects happen once: the handler runs in a database transaction that
 * also inserts `(consumer, message id)` into `processed_messages`; a redelivered message finds
 * its record and is acknowledged without running again. Retriable failures are retried in place
 * (keeping the partition's order) with exponential backoff and jitter; after `maxAttempts`, or at
 * once for a malformed or non-retriable message, it goes to `<topic>.dlq` with the error, the
 * attempt count and its original headers, and the partition moves on. A crash the client does not
 * recover from is restarted here; meanwhile `state` is not `running` (readiness reports it).
 */
export class IdempotentConsumer {
  private consumer?: Consumer;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  state: ConsumerState = 'stopped';
  lastError?: string;

  private readonly outbox = new Outbox();

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: DeadLetterSender,
    private readonly dataSource: DataSource | undefined,
    readonly options: ConsumerOptions,
    private readonly log: (level: 'warn' | 'error' | 'info', message: string, error?: unknown) => void = () => undefined,
    /** Each outcome of a message; `seconds` (delivery to final outcome) with the final one. */
    private readonly onOutcome: (outcome: Outcome, topic: string, seconds?: number) => void = () => undefined,
  ) {
    if (Boolean(options.handler) === Boolean(options.selfIdempotentHandler))
      throw new Error(`consumer ${options.name}: give exactly one of handler and selfIdempotentHandler`);
    if (options.handler && !dataSource)
      throw new Error(`consumer ${options.name}: a transactional handler needs the service's data source`);
  }

  /** The running kafkajs consumer (for lag metrics), if any. */
  get kafkaConsumer(): Consumer | undefined {
    return this.consumer;
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.state = 'starting';
    if (!this.options.fromBeginning) await this.pinStartOffsets();
    const session = this.options.sessionTimeoutMs;
    const consumer = this.kafka.consumer({
      groupId: this.options.name,
      allowAutoTopicCreation: false,
      retry: { retries: 5 },
      ...(session ? { sessionTimeout: session, heartbeatInterval: Math.floor(session / 3) } : {}),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.state = 'running';
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.state = 'crashed';
      this.lastError = payload.error.message;
      this.log(
        'error',
        `consumer ${this.options.name} crashed${payload.restart ? '; the client restarts it' : '; restarting it'}`,
        payload.error,
      );
      if (!payload.restart) this.scheduleRestart();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachMessage: (payload) => this.consume(payload),
    });
  }

  /**
   * Commits the current end of each partition the group has no offset for. Without it a group that
   * starts "at the end" only remembers the partitions it consumed from: after a restart, it would
   * start at the then end of the others and skip whatever was sent there while it was down (a
   * payment command sent while payments restarts, say). Kafka accepts it only while the group has
   * no member; when another instance runs, that instance already pinned them.
   */
  private async pinStartOffsets(): Promise<void> {
    const groupId = this.options.name;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const committed = await admin.fetchOffsets({ groupId, topics: this.options.topics });
      for (const { topic, partitions } of committed) {
        const missing = new Set(partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition));
        if (missing.size === 0) continue;
        const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => missing.has(p.partition));
        await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
      }
    } catch (error) {
      this.log('warn', `consumer ${groupId} could not pin its start offsets (another instance runs?)`, error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Stops fetching, lets the message in hand finish and commits its offset. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.consumer?.disconnect();
    this.state = 'stopped';
  }

  private scheduleRestart(): void {
    if (this.stopping) return;
    this.restartTimer = setTimeout(() => {
      void this.consumer
        ?.disconnect()
        .catch(() => undefined)
        .then(() => this.start())
        .catch((error: unknown) => {
          this.log('error', `consumer ${this.options.name} failed to restart`, error);
          this.scheduleRestart();
        });
    }, 1000);
  }

  private async consume(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const started = performance.now();
    const envelope = this.parse(message.value);
    if (!envelope) {
      await this.deadLetter(
        started,
        topic,
        partition,
        message.offset,
        message.key,
        message.value,
        message.headers,
        'malformed envelope',
        1,
      );
      return;
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await CorrelationContext.run(envelope.correlationId, () => this.applyOnce(envelope));
        this.onOutcome(outcome, topic, secondsSince(started));
        return;
      } catch (error) {
        const retriable = !(error instanceof NonRetriableError);
        if (!retriable || attempt >= this.options.maxAttempts || this.stopping) {
          if (this.stopping && retriable) throw error; // not committed: redelivered after restart
          const reason = error instanceof Error ? error.message : String(error);
          await this.deadLetter(
            started,
            topic,
            partition,
            message.offset,
            message.key,
            message.value,
            message.headers,
            reason,
            attempt,
          );
          return;
        }
        this.onOutcome('retried', topic);
        await sleep(backoffDelay(attempt, this.options.minBackoffMs, this.options.maxBackoffMs));
        await payload.heartbeat();
      }
    }
  }

  private async applyOnce(envelope: Envelope): Promise<Outcome> {
    const { handler, selfIdempotentHandler } = this.options;
    if (selfIdempotentHandler) {
      await selfIdempotentHandler(envelope);
      return 'processed';
    }
    return (this.dataSource as DataSource).transaction(async (manager) => {
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO processed_messages (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
        [this.options.name, envelope.id],
      );
      if (inserted.length === 0) return 'duplicate';
      await handler?.(envelope, consumerTransactionOf(manager, this.outbox));
      return 'processed';
    });
  }

  private parse(value: Buffer | null): Envelope | undefined {
    if (!value) return undefined;
    try {
      const result = EnvelopeSchema.safeParse(JSON.parse(value.toString('utf8')));
      return result.success ? result.data : undefined;
    } catch {
      return undefined;
    }
  }

  private async deadLetter(
    started: number,
    topic: string,
    partition: number,
    offset: string,
    key: Buffer | null,
    value: Buffer | null,
    headers: IHeaders | undefined,
    reason: string,
    attempts: number,
  ): Promise<void> {
    this.log(
      'warn',
      `consumer ${this.options.name}: message ${topic}/${partition}@${offset} dead-lettered after ${attempts} attempt(s): ${reason}`,
    );
    await this.producer.send({
      topic: deadLetterTopicOf(topic),
      acks: -1,
      messages: [
        {
          key,
          value,
          headers: {
            ...headers,
            [DlqHeaders.error]: reason.slice(0, 2000),
            [DlqHeaders.attempts]: String(attempts),
            [DlqHeaders.originalTopic]: topic,
            [DlqHeaders.originalPartition]: String(partition),
            [DlqHeaders.originalOffset]: offset,
            [DlqHeaders.consumer]: this.options.name,
            [DlqHeaders.failedAt]: new Date().toISOString(),
          },
        },
      ],
    });
    this.onOutcome('dead-lettered', topic, secondsSince(started));
  }
}

const secondsSince = (start: number): number => (performance.now() - start) / 1000;
