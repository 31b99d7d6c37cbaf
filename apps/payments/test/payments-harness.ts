import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '@shopmesh/bootstrap';
import { AuthorizePayment, RefundPayment, type Money, type PayloadOf } from '@shopmesh/contracts';
import { Outbox, consumerTransactionOf, createEnvelope, messageOf, type Envelope } from '@shopmesh/messaging';
import { RpcClient } from '@shopmesh/rpc';
import { createTestDatabase, dropTestDatabase, freePort, pgConnectionOf, testEnv, waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { migratePayments } from '../src/database/migrate';
import { loadPaymentsConfig } from '../src/payments.config';
import { PaymentsModule, type PaymentsModuleOverrides } from '../src/payments.module';
import { PaymentCommandsConsumer } from '../src/payments/payment-commands.consumer';

/**
 * One suite's corner of the shared topics: its order ids all start with `prefix` (the payments
 * under test skip every other order), its consumer group is its own.
 */
export interface PaymentSpace {
  prefix: string;
  consumerName: string;
  newOrderId(): string;
}

export const newPaymentSpace = (suite: string): PaymentSpace => {
  const prefix = randomBytes(4).toString('hex');
  return {
    prefix,
    consumerName: `commands-${suite}-${prefix}`,
    newOrderId: () => `${prefix}${randomUUID().slice(8)}`,
  };
};

/** Settings of payments under test: a short provider deadline (tok_timeout waits this long per call). */
export const TEST_PROVIDER = { timeoutMs: 300, maxAttempts: 4 };

export const authorizeEnvelope = (orderId: string, paymentToken: string, amount: Money = { amount: 4200, currency: 'EUR' }) =>
  createEnvelope(
    messageOf(AuthorizePayment, orderId, { orderId, amount, paymentToken } satisfies PayloadOf<typeof AuthorizePayment>),
  );

export const refundEnvelope = (orderId: string, reason = 'TIMEOUT') =>
  createEnvelope(messageOf(RefundPayment, orderId, { orderId, reason }));

export interface OutboxMessage {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  published: boolean;
}

/** Payments running in-process on its own fresh test database, consuming the shared payments.commands. */
export interface PaymentsUnderTest {
  app: INestApplication;
  dataSource: DataSource;
  env: Record<string, string>;
  database: string;
  rpc: RpcClient;
  opsUrl: string;
  groupId: string;
  logs: string[];
  /** Hands a message to the consumer's handler as the idempotent consumer does (own transaction, processed record). */
  deliver(envelope: Envelope): Promise<'processed' | 'duplicate'>;
  /** What payments published (its outbox) for an order, oldest first. */
  published(orderId: string): Promise<OutboxMessage[]>;
  query<T>(sql: string, parameters?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startPayments(
  suite: string,
  space: PaymentSpace,
  overrides: PaymentsModuleOverrides = {},
): Promise<PaymentsUnderTest> {
  const base = testEnv();
  const database = await createTestDatabase(pgConnectionOf(base), 'shopmesh_payments', suite);
  const [tcpPort, opsPort] = [await freePort(), await freePort()];
  const env = {
    ...base,
    PAYMENTS_DB_NAME: database,
    PAYMENTS_TCP_PORT: String(tcpPort),
    PAYMENTS_OPS_PORT: String(opsPort),
    PAYMENTS_OPS_HOST: '127.0.0.1',
    PAYMENT_PROVIDER_TIMEOUT_MS: String(TEST_PROVIDER.timeoutMs),
    PAYMENT_PROVIDER_MAX_ATTEMPTS: String(TEST_PROVIDER.maxAttempts),
  };
  await migratePayments(env);
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) });
  const app = await startApp(
    PaymentsModule.forRoot(loadPaymentsConfig(env), {
      logDestination: sink,
      consumerName: space.consumerName,
      consumeFromBeginning: false,
      orderIdPrefix: space.prefix,
      providerBackoffMs: { min: 20, max: 100 },
      ...overrides,
    }),
    { http: { host: '127.0.0.1', port: opsPort }, tcp: { host: '127.0.0.1', port: tcpPort } },
  );
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  await waitUntil('payments is ready (Postgres, Kafka, consumer)', async () => (await fetch(`${opsUrl}/health/ready`)).ok, {
    timeoutMs: 30_000,
    intervalMs: 200,
  });
  const dataSource = app.get(DataSource);
  const consumer = app.get(PaymentCommandsConsumer);
  const groupId = `payments.${overrides.consumerName ?? space.consumerName}`;
  const outbox = new Outbox();
  const rpc = RpcClient.forAddresses('payments', [`127.0.0.1:${tcpPort}`], { timeoutMs: 5000 });
  const query = <T>(sql: string, parameters?: unknown[]) => dataSource.query<T[]>(sql, parameters);
  return {
    app,
    dataSource,
    env,
    database,
    rpc,
    opsUrl,
    groupId,
    logs,
    query,
    deliver: (envelope) =>
      dataSource.transaction(async (manager) => {
        const inserted = await manager.query<unknown[]>(
          `INSERT INTO processed_messages (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
          [groupId, envelope.id],
        );
        if (inserted.length === 0) return 'duplicate';
        await consumer.handle(envelope, consumerTransactionOf(manager, outbox));
        return 'processed';
      }),
    published: async (orderId) => {
      const rows = await query<{ envelope: Envelope<Record<string, unknown>>; published_at: Date | null }>(
        `SELECT envelope, published_at FROM outbox WHERE message_key = $1 ORDER BY created_at, id`,
        [orderId],
      );
      return rows.map((r) => ({
        id: r.envelope.id,
        type: r.envelope.type,
        payload: r.envelope.payload,
        published: r.published_at !== null,
      }));
    },
    close: async () => {
      await rpc.close();
      await app.close();
      await dropTestDatabase(pgConnectionOf(env), database);
    },
  };
}

/** The shared Kafka as a test sees it: send commands, read what payments published, wait for groups. */
export class PaymentTopics {
  private readonly readers: Consumer[] = [];
  private constructor(
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly producer: Producer,
  ) {}

  static async connect(): Promise<PaymentTopics> {
    const kafka = new Kafka({
      clientId: 'payments-test',
      brokers: (testEnv().KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return new PaymentTopics(kafka, admin, producer);
  }

  /** Sends commands as orders does (key: the order id), or to a chosen partition. */
  async send(envelopes: Envelope[], partition?: number): Promise<void> {
    await this.producer.send({
      topic: AuthorizePayment.topic,
      acks: -1,
      messages: envelopes.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e), partition })),
    });
  }

  async partitions(): Promise<number[]> {
    const offsets = await this.admin.fetchTopicOffsets(AuthorizePayment.topic);
    return offsets.map((o) => o.partition);
  }

  /** Collects every message of `topic` whose order id starts with `prefix`, from now on. */
  async read(topic: string, prefix: string): Promise<Envelope[]> {
    const seen: Envelope[] = [];
    const reader = this.kafka.consumer({ groupId: `payments-test-reader-${randomUUID()}` });
    this.readers.push(reader);
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: false });
    await reader.run({
      eachMessage: ({ message }) => {
        const envelope = JSON.parse(message.value?.toString() ?? '{}') as Envelope;
        if (envelope.aggregateId?.startsWith(prefix)) seen.push(envelope);
        return Promise.resolve();
      },
    });
    await waitUntil('the reader has its partitions', () => reader.describeGroup().then((g) => g.state === 'Stable'), {
      timeoutMs: 30_000,
    });
    await sleep(1000); // it has resolved where it starts
    return seen;
  }

  /** Waits until a group is Stable with members, then a moment so it has resolved where it starts. */
  async waitForGroup(groupId: string): Promise<void> {
    await waitUntil(
      `${groupId} is stable`,
      async () => {
        const { groups } = await this.admin.describeGroups([groupId]);
        return groups[0]?.state === 'Stable' && groups[0].members.length > 0;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await sleep(1000);
  }

  /** Waits until `groupId` has committed an offset on every partition of payments.commands. */
  async waitForCommits(groupId: string, atLeast?: Map<number, number>): Promise<Map<number, number>> {
    return waitUntil(
      `${groupId} has committed offsets on every partition`,
      async () => {
        const [committed] = await this.admin.fetchOffsets({ groupId, topics: [AuthorizePayment.topic] });
        const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
        const ok =
          [...at.values()].every((o) => o >= 0) &&
          [...(atLeast ?? new Map<number, number>())].every(([p, o]) => (at.get(p) ?? -1) >= o);
        return at.size > 0 && ok ? at : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    await this.admin.deleteGroups(groupIds).catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.readers.map((r) => r.disconnect()));
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
