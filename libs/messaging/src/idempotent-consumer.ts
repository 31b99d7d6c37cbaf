import { setTimeout as sleep } from 'node:timers/promises';
import { CorrelationContext } from '@shopmesh/logging';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { processTraced } from '@shopmesh/tracing';
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
  /**
   * At most this many messages of a partition share one database transaction (default 100; 1: a
   * transaction per message). Under load a fetch brings several messages of a partition: handling
   * them in one transaction costs one commit instead of one each.
   */
  maxBatchSize?: number;
}

const DEFAULT_MAX_BATCH_SIZE = 100;

interface ChunkEntry {
  message: KafkaMessage;
  envelope: Envelope;
}
type Chunk = ChunkEntry[];
type ChunkResult = { committed: true } | { committed: false; failedAt?: number; error?: unknown };

export type ConsumerState = 'stopped' | 'starting' | 'running' | 'crashed';

export type ConsumerOutcome = 'processed' | 'duplicate' | 'retried' | 'dead-lettered';
type Outcome = ConsumerOutcome;

/**
 * A Kafka consumer whose effects happen once: the handler runs in a database transaction that
 * also inserts `(consumer, message id)` into `processed_messages`; a redelivered message finds
 * its record and is acknowledged without running again. The messages of a partition that arrive
 * together (up to `maxBatchSize`) share one transaction, handled in order, their offsets
 * committed only after it; if any of them fails, that transaction rolls back and they are handled
 * again one transaction each, as below (a handler may run again after a rollback, as after a crash:
 * only its database effects are once). Retriable failures are retried in place
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
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.consumeBatch(payload),
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

  /**
   * A fetched batch of one partition, in order: runs of valid envelopes in one transaction each
   * (chunks), a malformed message on its own (dead-lettered). When a handler of a chunk fails, the
   * chunk rolls back; the messages before it are applied again as a chunk and the failed one goes
   * on alone from its second attempt (retries, dead letter), so `maxAttempts` still counts its
   * handler's runs. Each offset is resolved once its message is done; a rebalance (stale batch) or
   * `stop()` leaves the rest to whoever gets the partition.
   */
  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const heartbeat = () => payload.heartbeat();
    const resolveOffset = (offset: string) => payload.resolveOffset(offset);
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    const max = this.options.handler ? Math.max(1, this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE) : 1;
    let next = 0;
    while (next < messages.length && isRunning() && !isStale() && !this.stopping) {
      const chunk: Chunk = [];
      for (; next < messages.length && chunk.length < max; next += 1) {
        const message = messages[next];
        const envelope = this.parse(message.value);
        if (!envelope) break;
        chunk.push({ message, envelope });
      }
      if (chunk.length === 0) {
        // a malformed message: dead-lettered by the one-message path
        const message = messages[next];
        next += 1;
        await this.consume(topic, partition, message, heartbeat);
        resolveOffset(message.offset);
      }
      if (chunk.length > 0) {
        const result = chunk.length > 1 ? await this.applyChunk(topic, partition, chunk) : { committed: false as const };
        if (result.committed) {
          resolveOffset((chunk.at(-1) as ChunkEntry).message.offset);
        } else if (result.failedAt === undefined) {
          // one message, or a chunk that failed outside its handlers (a deadlock, the commit): one by one
          for (const { message } of chunk) {
            await this.consume(topic, partition, message, heartbeat);
            resolveOffset(message.offset);
          }
        } else {
          const failed = chunk[result.failedAt];
          const before = chunk.slice(0, result.failedAt);
          if (before.length > 0 && (await this.applyChunk(topic, partition, before)).committed) {
            resolveOffset((before.at(-1) as ChunkEntry).message.offset);
          } else {
            for (const { message } of before) {
              await this.consume(topic, partition, message, heartbeat);
              resolveOffset(message.offset);
            }
          }
          await this.consume(topic, partition, failed.message, heartbeat, { error: result.error });
          resolveOffset(failed.message.offset);
          next = messages.indexOf(failed.message) + 1; // the rest: chunked again
        }
      }
      await heartbeat();
    }
  }

  /**
   * Applies a chunk of a partition's messages in one transaction: one insert of their processed
   * records, then the handler of each new one, in order. If it did not commit, nothing of it stays;
   * `failedAt` is the message whose handler failed (none: the failure was outside the handlers).
   */
  private async applyChunk(topic: string, partition: number, chunk: Chunk): Promise<ChunkResult> {
    const started = performance.now();
    const handler = this.options.handler as MessageHandler;
    let failedAt: number | undefined;
    try {
      const outcomes = await (this.dataSource as DataSource).transaction(async (manager) => {
        const inserted = await manager.query<Array<{ message_id: string }>>(
          `INSERT INTO processed_messages (consumer, message_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING message_id`,
          [this.options.name, chunk.map((c) => c.envelope.id)],
        );
        const fresh = new Set(inserted.map((r) => r.message_id));
        const tx = consumerTransactionOf(manager, this.outbox);
        const result: Outcome[] = [];
        for (const [index, { message, envelope }] of chunk.entries()) {
          // a message twice in the chunk (sent again by a relay) runs once: its id leaves the set
          if (!fresh.delete(envelope.id.toLowerCase())) {
            result.push('duplicate');
            continue;
          }
          failedAt = index;
          await processTraced({ topic, partition, ...message }, () =>
            CorrelationContext.run(envelope.correlationId, () => handler(envelope, tx)),
          );
          failedAt = undefined;
          result.push('processed');
        }
        return result;
      });
      const seconds = secondsSince(started);
      for (const outcome of outcomes) this.onOutcome(outcome, topic, seconds);
      return { committed: true };
    } catch (error) {
      if (this.stopping && !(error instanceof NonRetriableError)) throw error; // not committed: redelivered after the restart
      return { committed: false, failedAt, error };
    }
  }

  /**
   * One message in its own transaction (in its span), retried in place; `firstAttempt`: how its
   * first attempt, in a chunk, failed.
   */
  private consume(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    firstAttempt?: { error: unknown },
  ): Promise<void> {
    return processTraced({ topic, partition, ...message }, () =>
      this.consumeAlone(topic, partition, message, heartbeat, firstAttempt),
    );
  }

  private async consumeAlone(
    ...[topic, partition, message, heartbeat, firstAttempt]: Parameters<IdempotentConsumer['consume']>
  ): Promise<void> {
    const started = performance.now();
    const envelope = this.parse(message.value);
    if (!envelope) {
      await this.deadLetter(started, topic, partition, message, 'malformed envelope', 1);
      return;
    }
    const apply = async (): Promise<{ error: unknown } | undefined> => {
      try {
        const outcome = await CorrelationContext.run(envelope.correlationId, () => this.applyOnce(envelope));
        this.onOutcome(outcome, topic, secondsSince(started));
        return undefined;
      } catch (error) {
        return { error };
      }
    };
    let failure = firstAttempt ?? (await apply());
    for (let attempt = 1; failure; attempt += 1) {
      const { error } = failure;
      const retriable = !(error instanceof NonRetriableError);
      if (!retriable || attempt >= this.options.maxAttempts || this.stopping) {
        if (this.stopping && retriable) throw error; // not committed: redelivered after restart
        const reason = error instanceof Error ? error.message : String(error);
        await this.deadLetter(started, topic, partition, message, reason, attempt);
        return;
      }
      this.onOutcome('retried', topic);
      await sleep(backoffDelay(attempt, this.options.minBackoffMs, this.options.maxBackoffMs));
      await heartbeat();
      failure = await apply();
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
    { offset, key, value, headers }: KafkaMessage,
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
