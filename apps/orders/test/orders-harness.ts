import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '@shopmesh/bootstrap';
import type { MessageDefinition, PayloadOf } from '@shopmesh/contracts';
import { Outbox, consumerTransactionOf, createEnvelope, messageOf, type Envelope } from '@shopmesh/messaging';
import { RpcClient } from '@shopmesh/rpc';
import { createTestDatabase, dropTestDatabase, freePort, pgConnectionOf, testEnv, waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { CatalogUnderTest } from '../../catalog/test/catalog-harness';
import type { CartUnderTest } from '../../cart/test/cart-harness';
import { DeadlineScanner } from '../src/checkout-saga/deadline-scanner.service';
import { SagaRepliesConsumer, type SagaConsumerOptions } from '../src/checkout-saga/saga-replies.consumer';
import { migrateOrders } from '../src/database/migrate';
import { IdempotencyKeys } from '../src/idempotency/idempotency-keys.service';
import { loadOrdersConfig } from '../src/orders.config';
import { OrdersModule } from '../src/orders.module';

/** A message of the outbox, as the relay publishes it. */
export interface RecordedMessage {
  topic: string;
  type: string;
  payload: Record<string, unknown>;
  causationId: string | null;
}

/** Orders running in-process on its own test database, against real catalog and cart. */
export interface OrdersUnderTest {
  app: INestApplication;
  rpc: RpcClient;
  env: Record<string, string>;
  /** The app's own data source (for assertions and direct SQL). */
  db: DataSource;
  consumers: SagaConsumerOptions;
  scanner: DeadlineScanner;
  keys: IdempotencyKeys;
  logs: string[];
  /** Stops the app (as a crash-free shutdown would), leaving its database and consumer groups. */
  stop(): Promise<void>;
  /** Hands a reply to the consumer handler in a transaction, as the idempotent consumer does. */
  deliver(envelope: Envelope): Promise<void>;
  /** The messages recorded for an order, oldest first. */
  messagesOf(orderId: string): Promise<RecordedMessage[]>;
  orderRow(orderId: string): Promise<Record<string, unknown> | undefined>;
  historyOf(orderId: string): Promise<{ seq: number; status: string; step: string; reason: string | null }[]>;
  close(): Promise<void>;
}

export interface StartOrdersOptions {
  env?: Record<string, string>;
  /** Another instance on the same database (and consumer groups) as this one. */
  sameAs?: OrdersUnderTest;
}

export async function startOrders(
  suite: string,
  catalog: CatalogUnderTest,
  cart: CartUnderTest,
  options: StartOrdersOptions = {},
): Promise<OrdersUnderTest> {
  const base = testEnv(options.env);
  const database =
    options.sameAs?.env.ORDERS_DB_NAME ?? (await createTestDatabase(pgConnectionOf(base), 'shopmesh_orders', suite));
  const [tcpPort, opsPort] = [await freePort(), await freePort()];
  const env = {
    ...base,
    ORDERS_DB_NAME: database,
    ORDERS_TCP_PORT: String(tcpPort),
    ORDERS_OPS_PORT: String(opsPort),
    ORDERS_OPS_HOST: '127.0.0.1',
    CATALOG_DISCOVERY: 'static',
    CATALOG_ADDRESSES: `127.0.0.1:${catalog.env.CATALOG_TCP_PORT}`,
    CART_DISCOVERY: 'static',
    CART_ADDRESSES: `127.0.0.1:${cart.tcpPort}`,
  };
  if (!options.sameAs) await migrateOrders(env);
  const id = randomUUID().slice(0, 8);
  const consumers = options.sameAs?.consumers ?? {
    inventoryEvents: `inventory-events-${suite}-${id}`,
    paymentsEvents: `payments-events-${suite}-${id}`,
    fromBeginning: false, // shared topics: a suite's new group starts at their end
  };
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) });
  const app = await startApp(OrdersModule.forRoot(loadOrdersConfig(env), { logDestination: sink, consumers }), {
    http: { host: '127.0.0.1', port: opsPort },
    tcp: { host: '127.0.0.1', port: tcpPort },
  });
  await waitUntil(
    'orders is ready (Postgres, Kafka, catalog, cart, consumers)',
    async () => (await fetch(`http://127.0.0.1:${opsPort}/health/ready`)).ok,
    {
      timeoutMs: 30_000,
      intervalMs: 200,
    },
  );
  const rpc = RpcClient.forAddresses('orders', [`127.0.0.1:${tcpPort}`], { timeoutMs: 30_000 });
  const db = app.get(DataSource);
  const outbox = app.get(Outbox, { strict: false });
  const handler = app.get(SagaRepliesConsumer, { strict: false });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await rpc.close();
      await app.close();
    })());
  return {
    app,
    rpc,
    env,
    db,
    consumers,
    logs,
    scanner: app.get(DeadlineScanner, { strict: false }),
    keys: app.get(IdempotencyKeys, { strict: false }),
    deliver: (envelope) => db.transaction((manager) => handler.handle(envelope, consumerTransactionOf(manager, outbox))),
    messagesOf: async (orderId) => {
      const rows = await db.query<{ topic: string; envelope: Envelope<Record<string, unknown>> }[]>(
        `SELECT topic, envelope FROM outbox WHERE message_key = $1 ORDER BY position`,
        [orderId],
      );
      return rows.map((r) => ({
        topic: r.topic,
        type: r.envelope.type,
        payload: r.envelope.payload,
        causationId: r.envelope.causationId,
      }));
    },
    orderRow: async (orderId) => (await db.query<Record<string, unknown>[]>(`SELECT * FROM orders WHERE id = $1`, [orderId]))[0],
    historyOf: (orderId) =>
      db.query(`SELECT seq, status, step, reason FROM order_history WHERE order_id = $1 ORDER BY seq`, [orderId]),
    stop,
    close: async () => {
      await stop();
      if (!options.sameAs) {
        await dropTestDatabase(pgConnectionOf(env), database);
        await deleteGroups(
          Object.values(consumers)
            .filter((v): v is string => typeof v === 'string')
            .map((n) => `orders.${n}`),
        );
      }
    },
  };
}

/** A reply of inventory or payments, as it comes off Kafka. */
export const replyOf = <D extends MessageDefinition>(definition: D, orderId: string, payload: PayloadOf<D>): Envelope =>
  createEnvelope(messageOf(definition, orderId, payload));

async function deleteGroups(groupIds: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'orders-test',
    brokers: (testEnv().KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups(groupIds).catch(() => undefined);
  await admin.disconnect();
}
