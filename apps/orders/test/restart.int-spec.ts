import { OrdersRpc, PaymentDeclined, StockReleased, StockReserved, type Product } from '@shopmesh/contracts';
import { MessageHeaders, type Envelope } from '@shopmesh/messaging';
import { pgConnectionOf, testEnv, waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { replyOf, startOrders, type OrdersUnderTest } from './orders-harness';
import { ADDRESS, newCustomer, newKey, startWorld, type OrdersWorld } from './orders-world';

const STEP_TIMEOUT_MS = 3000;

describe('orders restarted: every saga resumes from the database and Kafka (nothing lives in memory)', () => {
  let world: OrdersWorld;
  let restarted: OrdersUnderTest | undefined;
  let lamp: Product;
  let producer: Producer;

  beforeAll(async () => {
    world = await startWorld('restart', {
      ORDER_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS),
      ORDER_DEADLINE_SCAN_INTERVAL_MS: '100',
    });
    lamp = await world.createProduct(450);
    const kafka = new Kafka({
      clientId: 'orders-restart-test',
      brokers: (testEnv().KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await restarted?.stop();
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
  const place = async (paymentToken: string) =>
    (
      await world.orders.rpc.call(
        OrdersRpc.place,
        { idempotencyKey: newKey(), items: [{ productId: lamp.id, quantity: 1 }], paymentToken, shippingAddress: ADDRESS },
        { actor: newCustomer() },
      )
    ).orderId;
  const reserved = (orderId: string) =>
    replyOf(StockReserved, orderId, {
      orderId,
      items: [{ sku: lamp.sku, quantity: 1 }],
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    });

  it('a deadline that passed while no instance ran, and a reply sent meanwhile, are both handled after the restart', async () => {
    const first = world.orders;
    const timedOut = await place('tok_timeout');
    // a saga compensating a decline, whose reservation reply went through Kafka (so the group has an offset there)
    const declined = await place('tok_decline');
    await publish('inventory.events', reserved(declined));
    await waitUntil(
      'the first instance consumed StockReserved',
      async () => (await first.orderRow(declined))?.step === 'STOCK_RESERVED',
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    await first.deliver(replyOf(PaymentDeclined, declined, { orderId: declined, reason: 'DECLINED' }));
    expect((await first.orderRow(declined))?.step).toBe('COMPENSATING');

    // a saga waiting for a payment that never comes, its deadline still ahead when the instance stops
    await first.deliver(reserved(timedOut));
    await first.stop();
    expect(await stepOutside(first.env, timedOut)).toBe('STOCK_RESERVED');
    // while no instance runs: inventory acknowledges the release, and the other saga's deadline passes
    await publish('inventory.events', replyOf(StockReleased, declined, { orderId: declined, reason: 'ORDER_CANCELLED' }));
    await new Promise((r) => setTimeout(r, STEP_TIMEOUT_MS + 300));
    expect(await stepOutside(first.env, timedOut)).toBe('STOCK_RESERVED'); // overdue, and nobody moved it

    restarted = await startOrders('restart', world.catalog, world.cart, {
      sameAs: first,
      env: { ORDER_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS), ORDER_DEADLINE_SCAN_INTERVAL_MS: '100' },
    });
    const again = restarted;
    await waitUntil('the overdue saga is compensated', async () => (await again.orderRow(timedOut))?.step === 'COMPENSATING', {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    expect(await again.orderRow(timedOut)).toMatchObject({ cancellation_reason: 'TIMEOUT', awaiting: ['stock', 'payment'] });
    expect((await again.messagesOf(timedOut)).map((m) => m.type)).toEqual(
      expect.arrayContaining(['AuthorizePayment', 'ReleaseStock', 'RefundPayment']),
    );
    await waitUntil('the reply sent while down is consumed', async () => (await again.orderRow(declined))?.step === 'CANCELLED', {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect(await again.orderRow(declined)).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'PAYMENT_DECLINED' });
  });
});

/** The saga step of an order, read with a connection of the test's own. */
async function stepOutside(env: Record<string, string>, orderId: string): Promise<string | undefined> {
  const client = new Client({ ...pgConnectionOf(env), database: env.ORDERS_DB_NAME });
  await client.connect();
  try {
    const { rows } = await client.query<{ step: string }>(`SELECT step FROM orders WHERE id = $1`, [orderId]);
    return rows[0]?.step;
  } finally {
    await client.end();
  }
}
