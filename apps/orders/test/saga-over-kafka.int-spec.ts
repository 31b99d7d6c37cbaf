import { randomUUID } from 'node:crypto';
import { OrdersRpc, PaymentAuthorized, StockCommitted, StockReserved, type Product } from '@shopmesh/contracts';
import { MessageHeaders, type Envelope } from '@shopmesh/messaging';
import { testEnv, waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { replyOf } from './orders-harness';
import { ADDRESS, newCustomer, newKey, startWorld, type OrdersWorld } from './orders-world';

const TOPICS = ['orders.events', 'inventory.commands', 'payments.commands'];

describe('checkout saga over the real topics (outbox relay → Kafka → consumers)', () => {
  let world: OrdersWorld;
  let lamp: Product;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: Consumer;
  const groupId = `orders-test-observer-${randomUUID().slice(0, 8)}`;
  const seen: { topic: string; envelope: Envelope<Record<string, unknown>> }[] = [];

  beforeAll(async () => {
    world = await startWorld('kafka', { ORDER_STEP_TIMEOUT_MS: '600000' });
    lamp = await world.createProduct(990);
    kafka = new Kafka({
      clientId: 'orders-kafka-test',
      brokers: (testEnv().KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    consumer = kafka.consumer({ groupId });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.connect();
    await consumer.subscribe({ topics: TOPICS, fromBeginning: false });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        if (message.value)
          seen.push({ topic, envelope: JSON.parse(message.value.toString('utf8')) as Envelope<Record<string, unknown>> });
        return Promise.resolve();
      },
    });
    await waitUntil('the observer joined its group', () => joined, { timeoutMs: 30_000, intervalMs: 100 });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    const admin = kafka?.admin();
    await admin?.connect();
    await admin?.deleteGroups([groupId]).catch(() => undefined);
    await admin?.disconnect();
    await world?.close();
  });

  const publish = (topic: string, envelope: Envelope) =>
    producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: envelope.aggregateId,
          value: JSON.stringify(envelope),
          headers: {
            [MessageHeaders.correlationId]: envelope.correlationId,
            [MessageHeaders.messageType]: `${envelope.type}.v${envelope.version}`,
          },
        },
      ],
    });
  const seenFor = (orderId: string) =>
    seen.filter((m) => m.envelope.aggregateId === orderId).map((m) => `${m.topic} ${m.envelope.type}`);
  const stepOf = async (orderId: string) => (await world.orders.orderRow(orderId))?.step;

  it('publishes OrderPlaced and ReserveStock, and moves to CONFIRMED on replies read from Kafka; a redelivered reply acts once', async () => {
    const actor = newCustomer();
    const { orderId } = await world.orders.rpc.call(
      OrdersRpc.place,
      {
        idempotencyKey: newKey(),
        items: [{ productId: lamp.id, quantity: 1 }],
        paymentToken: 'tok_visa',
        shippingAddress: ADDRESS,
      },
      { actor },
    );
    await waitUntil('OrderPlaced and ReserveStock on Kafka', () => seenFor(orderId).length >= 2, {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    expect(seenFor(orderId).sort()).toEqual(['inventory.commands ReserveStock', 'orders.events OrderPlaced']);

    const reserved = replyOf(StockReserved, orderId, {
      orderId,
      items: [{ sku: lamp.sku, quantity: 1 }],
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    });
    await publish('inventory.events', reserved);
    await publish('inventory.events', reserved); // redelivered: the idempotent consumer skips it
    await waitUntil('STOCK_RESERVED', async () => (await stepOf(orderId)) === 'STOCK_RESERVED', {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    await publish(
      'payments.events',
      replyOf(PaymentAuthorized, orderId, { orderId, paymentId: randomUUID(), amount: { amount: 990, currency: 'EUR' } }),
    );
    await waitUntil('PAYMENT_AUTHORIZED', async () => (await stepOf(orderId)) === 'PAYMENT_AUTHORIZED', {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    await publish('inventory.events', replyOf(StockCommitted, orderId, { orderId }));
    await waitUntil('CONFIRMED', async () => (await stepOf(orderId)) === 'CONFIRMED', { timeoutMs: 30_000, intervalMs: 100 });
    await waitUntil('OrderConfirmed on Kafka', () => seenFor(orderId).includes('orders.events OrderConfirmed'), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    expect(seenFor(orderId)).toEqual(
      expect.arrayContaining([
        'payments.commands AuthorizePayment',
        'inventory.commands CommitStock',
        'orders.events OrderConfirmed',
      ]),
    );
    // the duplicate StockReserved came before StockCommitted on the same partition: it was handled, and did nothing
    expect(seenFor(orderId).filter((t) => t === 'payments.commands AuthorizePayment')).toHaveLength(1);
    const processed = await world.orders.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM processed_messages WHERE message_id = $1`,
      [reserved.id],
    );
    expect(processed[0]?.n).toBe(1);
    const authorize = seen.find((m) => m.envelope.aggregateId === orderId && m.envelope.type === 'AuthorizePayment');
    expect(authorize?.envelope.causationId).toBe(reserved.id);
    expect(authorize?.envelope.correlationId).toBe(reserved.correlationId);
  });
});
