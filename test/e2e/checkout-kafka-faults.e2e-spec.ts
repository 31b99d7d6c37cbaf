import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentAuthorized, StockCommitted, StockReserved } from '@shopmesh/contracts';
import { MessageHeaders, type Envelope } from '@shopmesh/messaging';
import { waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { CheckoutClient, type OrderBody } from './checkout-client';
import { startPlatform, type Platform } from './platform';
import { PrivateKafka } from './private-kafka';

type Accepted = { orderId: string; status: string };
type OutboxRow = { envelope: Envelope; headers: Record<string, string> };

const OUTAGE_MS = 20_000;
const PRODUCTS = 5;
const STOCK_EACH = 40; // more than the orders ask of each product: no OUT_OF_STOCK, every outcome is decided by its token
const PRICE = 700;

const outcome = (o: OrderBody) => `${o.status}${o.cancellationReason ? ` ${o.cancellationReason}` : ''}`;
const stepsOf = (o: OrderBody) => o.statusHistory.map((h) => h.step);

/**
 * Kafka faults under the checkout saga, through the gateway, every app a real process on a broker of
 * the suite's own (stopped and started by the first test; the second injects replies on its topics).
 */
describe('checkout under Kafka faults (real processes, private Kafka)', () => {
  let kafka: PrivateKafka;
  let platform: Platform;
  let client: CheckoutClient;
  let admin: string;
  let producer: Producer;

  beforeAll(async () => {
    kafka = await PrivateKafka.create();
    await kafka.start();
    // step deadlines far longer than the outage: the outage must delay sagas, not time them out
    platform = await startPlatform('kafka_faults', {
      KAFKA_BROKERS: kafka.brokers,
      ORDER_STEP_TIMEOUT_MS: '90000',
      RPC_TIMEOUT_MS: '5000',
    });
    client = new CheckoutClient(platform);
    admin = await client.admin();
    producer = new Kafka({
      clientId: 'kafka-faults-test',
      brokers: kafka.brokers.split(','),
      logLevel: logLevel.NOTHING,
    }).producer({
      allowAutoTopicCreation: false,
    });
    await producer.connect();
  }, 240_000);

  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await platform?.stop();
    await kafka?.destroy();
  }, 120_000);

  const query = async <T>(database: keyof Platform['databases'], sql: string, params: unknown[] = []): Promise<T[]> => {
    const env = platform.env;
    const pg = new Client({
      host: env.POSTGRES_HOST ?? '127.0.0.1',
      port: Number(env.POSTGRES_PORT ?? 5432),
      user: env.POSTGRES_USER ?? 'postgres',
      password: env.POSTGRES_PASSWORD ?? '',
      database: platform.databases[database],
    });
    await pg.connect();
    try {
      return (await pg.query(sql, params)).rows as T[];
    } finally {
      await pg.end();
    }
  };

  /** What a service's outbox recorded for one order, in order. */
  const outboxOf = (database: 'orders' | 'inventory' | 'payments', orderId: string) =>
    query<OutboxRow>(database, `SELECT envelope, headers FROM outbox WHERE message_key = $1 ORDER BY position`, [orderId]);
  const typesIn = async (database: 'orders' | 'inventory' | 'payments', orderId: string) =>
    (await outboxOf(database, orderId)).map((r) => r.envelope.type);
  const replyOf = async (database: 'inventory' | 'payments', orderId: string, type: string): Promise<OutboxRow> => {
    const row = (await outboxOf(database, orderId)).find((r) => r.envelope.type === type);
    if (!row) throw new Error(`${database} never published ${type} for ${orderId}`);
    return row;
  };

  /** Publishes an envelope on its real topic, keyed by the order, with the headers the outbox sends. */
  const inject = (topic: string, envelope: Envelope, headers: Record<string, string>) =>
    producer.send({
      topic,
      acks: -1,
      messages: [{ key: envelope.aggregateId, value: JSON.stringify(envelope), headers }],
    });
  /** A new message (new id) repeating `original`'s reply, as inventory or payments would have sent it again. */
  const repeated = (original: OutboxRow, payload: unknown = original.envelope.payload): OutboxRow => ({
    envelope: { ...original.envelope, id: randomUUID(), occurredAt: new Date().toISOString(), payload },
    headers: original.headers,
  });

  /** Waits until orders' reply consumer `name` has processed (and recorded) the message `id`. */
  const processedByOrders = (consumer: 'inventory-events' | 'payments-events', id: string) =>
    waitUntil(
      `orders.${consumer} processed ${id}`,
      async () =>
        (
          await query('orders', `SELECT 1 FROM processed_messages WHERE consumer = $1 AND message_id = $2`, [
            `orders.${consumer}`,
            id,
          ])
        ).length === 1,
      { timeoutMs: 30_000, intervalMs: 100 },
    );

  /** `consumer_messages_total{consumer, outcome="duplicate"}` of the orders process. */
  const duplicatesSeen = async (consumer: string): Promise<number> => {
    const text = await (await fetch(`${platform.orders.url}/metrics`)).text();
    return text
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('consumer_messages_total{') && l.includes(`consumer="${consumer}"`) && l.includes('outcome="duplicate"'),
      )
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  };

  const ready = async (url: string) => (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200;

  it('keeps accepting orders while Kafka is down for 20 s in the middle of 100 checkouts; every order ends once it is back, charged and stocked exactly', async () => {
    // load: 100 orders by 10 users over 5 products, 1 or 2 units each, every fourth declined;
    // 30 placed just before the broker stops (their sagas are in flight), 40 during the outage, 30 after
    const products = await Promise.all(Array.from({ length: PRODUCTS }, () => client.product(admin, STOCK_EACH, PRICE)));
    const buyers = await Promise.all(Array.from({ length: 10 }, () => client.customer()));
    const plan = Array.from({ length: 100 }, (_, i) => ({
      buyer: buyers[i % buyers.length] ?? '',
      product: products[i % PRODUCTS],
      quantity: 1 + (i % 2),
      token: i % 4 === 3 ? 'tok_decline' : 'tok_visa',
    }));
    const placed: Array<{ orderId: string; status: number; at: number }> = [];
    const place = async (i: number) => {
      const p = plan[i];
      const res = await client.json<Accepted>(client.place(p.buyer, client.orderBody(p.product.id, p.quantity, p.token)));
      placed[i] = { orderId: res.body.orderId, status: res.status, at: Date.now() };
    };

    await Promise.all(Array.from({ length: 30 }, (_, i) => place(i)));
    await kafka.stop();
    const outageFrom = Date.now();
    // during the outage: 40 orders, two every second, each answered 202 (the outbox holds the commands)
    for (let i = 30; i < 70; i += 2) {
      await Promise.all([place(i), place(i + 1)]);
      await sleep(Math.max(0, outageFrom + ((i - 28) / 2) * (OUTAGE_MS / 21) - Date.now()));
    }
    const duringOutage = placed.slice(30, 70);
    // while the broker is down nothing moves past what inventory can answer: the orders of the outage are all PENDING
    const stuck = await Promise.all(duringOutage.map((p, k) => client.order(plan[30 + k]?.buyer ?? '', p.orderId)));
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageFrom)));
    const outageTo = Date.now();
    await kafka.start();
    await Promise.all(Array.from({ length: 30 }, (_, k) => place(70 + k)));

    expect(placed.map((p) => p.status)).toEqual(Array.from({ length: 100 }, () => 202));
    expect(new Set(placed.map((p) => p.orderId)).size).toBe(100);
    expect(duringOutage.every((p) => p.at > outageFrom && p.at < outageTo)).toBe(true);
    expect(stuck.map((o) => o.step)).toEqual(duringOutage.map(() => 'PENDING'));

    // every consumer of the three saga services recovers on its own after the broker returns
    for (const app of [platform.inventory, platform.orders, platform.payments]) {
      await waitUntil(`${app.app} is ready again (its consumers rejoined)`, () => ready(app.url), {
        timeoutMs: 90_000,
        intervalMs: 500,
      });
    }
    const finals = await Promise.all(placed.map((p, i) => client.finalOrder(plan[i]?.buyer ?? '', p.orderId, 150_000, 1000)));
    const counts = finals.reduce<Record<string, number>>((acc, o) => ({ ...acc, [outcome(o)]: (acc[outcome(o)] ?? 0) + 1 }), {});
    expect(counts).toEqual({ CONFIRMED: 75, 'CANCELLED PAYMENT_DECLINED': 25 });
    finals.forEach((o, i) => expect(outcome(o)).toBe(plan[i]?.token === 'tok_visa' ? 'CONFIRMED' : 'CANCELLED PAYMENT_DECLINED'));
    // the outage delayed sagas and timed none out: the normal steps, each once
    for (const o of finals) {
      expect(stepsOf(o)).toEqual(
        o.status === 'CONFIRMED'
          ? ['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED']
          : ['PENDING', 'STOCK_RESERVED', 'COMPENSATING', 'CANCELLED'],
      );
    }

    // stock: each product lost exactly the units of its confirmed orders, and holds nothing reserved
    for (const product of products) {
      const sold = plan.reduce(
        (n, p, i) => n + (p.product.id === product.id && finals[i]?.status === 'CONFIRMED' ? p.quantity : 0),
        0,
      );
      expect(await client.stock(admin, product.sku)).toMatchObject({
        sku: product.sku,
        onHand: STOCK_EACH - sold,
        reserved: 0,
        available: STOCK_EACH - sold,
      });
    }
    // charges: one capture of the exact total per confirmed order, nothing for a declined one
    const ids = new Set(placed.map((p) => p.orderId));
    const ledger = await query<{ order_id: string; kind: string; amount: string }>(
      'payments',
      `SELECT order_id::text, kind, amount FROM ledger`,
    );
    const captures = new Map<string, number[]>();
    for (const l of ledger.filter((x) => ids.has(x.order_id))) {
      expect(l.kind).toBe('CAPTURE');
      captures.set(l.order_id, [...(captures.get(l.order_id) ?? []), Number(l.amount)]);
    }
    expect(captures.size).toBe(75);
    finals.forEach((o, i) => {
      expect(captures.get(o.id)).toEqual(o.status === 'CONFIRMED' ? [PRICE * (plan[i]?.quantity ?? 0)] : undefined);
    });
    const approved = await query<{ order_id: string }>(
      'payments',
      `SELECT order_id::text FROM provider_charges WHERE status = 'APPROVED'`,
    );
    expect(approved.filter((c) => ids.has(c.order_id))).toHaveLength(75);
    expect(await client.violations()).toEqual([]);
  }, 300_000);

  it('changes nothing for a duplicated reply, nor for a new reply the order moved past or that comes out of order', async () => {
    const buyer = await client.customer();
    const product = await client.product(admin, 10, 1500);

    // (a) exact copies (same envelope id) of the StockReserved and PaymentAuthorized a confirmed order received
    const paid = await client.finalOrder(buyer, await client.placed(buyer, product.id, 2, 'tok_visa'));
    expect(paid.status).toBe('CONFIRMED');
    const reserved = await replyOf('inventory', paid.id, StockReserved.type);
    const authorized = await replyOf('payments', paid.id, PaymentAuthorized.type);
    const ordersSent = await typesIn('orders', paid.id);
    expect(ordersSent).toEqual(['OrderPlaced', 'ReserveStock', 'AuthorizePayment', 'CommitStock', 'OrderConfirmed']);
    const before = {
      inventory: await duplicatesSeen('orders.inventory-events'),
      payments: await duplicatesSeen('orders.payments-events'),
    };
    await inject(StockReserved.topic, reserved.envelope, reserved.headers);
    await inject(PaymentAuthorized.topic, authorized.envelope, authorized.headers);
    await waitUntil(
      'orders skipped both copies as duplicates',
      async () =>
        (await duplicatesSeen('orders.inventory-events')) === before.inventory + 1 &&
        (await duplicatesSeen('orders.payments-events')) === before.payments + 1,
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    // (b) a NEW PaymentAuthorized (new id) after CONFIRMED: processed, and nothing moves
    const second = repeated(authorized);
    await inject(PaymentAuthorized.topic, second.envelope, second.headers);
    await processedByOrders('payments-events', second.envelope.id);
    expect(await client.order(buyer, paid.id)).toEqual(paid);
    expect(await typesIn('orders', paid.id)).toEqual(ordersSent);
    const paidEffects = await client.effectsOf(paid.id);
    expect(paidEffects.ledger.map((l) => [l.kind, l.amount])).toEqual([['CAPTURE', 3000]]);
    expect(paidEffects.providerCharges.filter((c) => c.status === 'APPROVED')).toHaveLength(1);
    expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 8, reserved: 0 });

    // (b) a declined order: a new StockReserved after CANCELLED(PAYMENT_DECLINED) changes nothing (its stock was
    // released already); a late PaymentAuthorized is compensated once with RefundPayment ("Late replies" in
    // docs/checkout-saga.md), which payments answers with nothing to give back; the order stays as it was
    const declined = await client.finalOrder(buyer, await client.placed(buyer, product.id, 3, 'tok_decline'));
    expect(outcome(declined)).toBe('CANCELLED PAYMENT_DECLINED');
    const declinedSent = await typesIn('orders', declined.id);
    expect(declinedSent).toEqual(['OrderPlaced', 'ReserveStock', 'AuthorizePayment', 'ReleaseStock', 'OrderCancelled']);
    const lateReserved = repeated(await replyOf('inventory', declined.id, StockReserved.type));
    await inject(StockReserved.topic, lateReserved.envelope, lateReserved.headers);
    await processedByOrders('inventory-events', lateReserved.envelope.id);
    expect(await client.order(buyer, declined.id)).toEqual(declined);
    expect(await typesIn('orders', declined.id)).toEqual(declinedSent);
    expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 8, reserved: 0 });

    const declinedReply = await replyOf('payments', declined.id, 'PaymentDeclined');
    const latePaid = repeated(declinedReply, { orderId: declined.id, paymentId: randomUUID(), amount: declined.total });
    latePaid.envelope = { ...latePaid.envelope, type: PaymentAuthorized.type };
    latePaid.headers = {
      ...latePaid.headers,
      [MessageHeaders.messageType]: `${PaymentAuthorized.type}.v${PaymentAuthorized.version}`,
    };
    await inject(PaymentAuthorized.topic, latePaid.envelope, latePaid.headers);
    await processedByOrders('payments-events', latePaid.envelope.id);
    expect(await typesIn('orders', declined.id)).toEqual([...declinedSent, 'RefundPayment']);
    const refunded = await waitUntil(
      'payments answers the RefundPayment',
      async () => (await outboxOf('payments', declined.id)).find((r) => r.envelope.type === 'PaymentRefunded'),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(refunded.envelope.payload).toEqual({ orderId: declined.id, paymentId: null, amount: null });
    const againPaid = repeated(latePaid);
    await inject(PaymentAuthorized.topic, againPaid.envelope, againPaid.headers);
    await processedByOrders('payments-events', againPaid.envelope.id);
    await processedByOrders('payments-events', refunded.envelope.id);
    expect(await typesIn('orders', declined.id)).toEqual([...declinedSent, 'RefundPayment']); // compensated once
    // the saga recorded the refund it asked for (so its updatedAt moved); what the order shows did not change
    const { updatedAt: _was, ...shown } = declined as OrderBody & { updatedAt: string };
    const { updatedAt: _now, ...after } = (await client.order(buyer, declined.id)) as OrderBody & { updatedAt: string };
    expect(after).toEqual(shown);
    expect((await client.effectsOf(declined.id)).ledger).toEqual([]);

    // (b) out of order: a StockCommitted before the PaymentAuthorized, payments stopped so the order waits in
    // STOCK_RESERVED; the early reply moves nothing, and the order confirms normally once payments is back
    await platform.payments.stop();
    let waitingId = '';
    try {
      waitingId = await client.placed(buyer, product.id, 1, 'tok_visa');
      const waiting = await client.reaches(buyer, waitingId, 'STOCK_RESERVED');
      const early = repeated(await replyOf('inventory', waitingId, StockReserved.type), { orderId: waitingId });
      early.envelope = { ...early.envelope, type: StockCommitted.type };
      early.headers = { ...early.headers, [MessageHeaders.messageType]: `${StockCommitted.type}.v${StockCommitted.version}` };
      await inject(StockCommitted.topic, early.envelope, early.headers);
      await processedByOrders('inventory-events', early.envelope.id);
      expect(await client.order(buyer, waitingId)).toEqual(waiting);
      expect(await typesIn('orders', waitingId)).toEqual(['OrderPlaced', 'ReserveStock', 'AuthorizePayment']);
      expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 8, reserved: 1 });
    } finally {
      await platform.payments.start(90_000);
    }
    await waitUntil('payments is ready again', () => ready(platform.payments.url), { timeoutMs: 60_000, intervalMs: 500 });
    const confirmed = await client.finalOrder(buyer, waitingId, 90_000);
    expect(outcome(confirmed)).toBe('CONFIRMED');
    expect(stepsOf(confirmed)).toEqual(['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED']);
    expect(await typesIn('orders', waitingId)).toEqual([
      'OrderPlaced',
      'ReserveStock',
      'AuthorizePayment',
      'CommitStock',
      'OrderConfirmed',
    ]);
    expect(await typesIn('inventory', waitingId)).toEqual(['StockReserved', 'StockCommitted']);
    expect((await client.effectsOf(waitingId)).ledger.map((l) => [l.kind, l.amount])).toEqual([['CAPTURE', 1500]]);
    expect(await client.stock(admin, product.sku)).toMatchObject({ sku: product.sku, onHand: 7, reserved: 0, available: 7 });
    expect(await client.violations()).toEqual([]);
  }, 240_000);
});
