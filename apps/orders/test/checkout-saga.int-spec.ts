import { randomUUID } from 'node:crypto';
import {
  OrdersRpc,
  PaymentAuthorized,
  PaymentDeclined,
  PaymentRefunded,
  StockCommitted,
  StockRejected,
  StockReleased,
  StockReserved,
  type Actor,
  type Product,
} from '@shopmesh/contracts';
import { waitUntil } from '@shopmesh/testing';
import { HistoryListener } from '../src/order-history/history-listener';
import { replyOf, startOrders, type OrdersUnderTest } from './orders-harness';
import { ADDRESS, newCustomer, newKey, startWorld, type OrdersWorld } from './orders-world';

const STEP_TIMEOUT_MS = 2500;
const RETRY_MS = 1500;

describe('checkout saga (real Postgres, Kafka, catalog and cart; replies handed to the consumer handler)', () => {
  let world: OrdersWorld;
  let orders: OrdersUnderTest;
  let lamp: Product;

  beforeAll(async () => {
    world = await startWorld('saga', {
      ORDER_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS),
      ORDER_COMPENSATION_RETRY_MS: String(RETRY_MS),
      ORDER_DEADLINE_SCAN_INTERVAL_MS: '100',
    });
    orders = world.orders;
    lamp = await world.createProduct(1250);
  });
  afterAll(async () => {
    await world?.close();
  });

  const place = async (actor: Actor = newCustomer(), paymentToken = 'tok_visa') => {
    const { orderId } = await orders.rpc.call(
      OrdersRpc.place,
      { idempotencyKey: newKey(), items: [{ productId: lamp.id, quantity: 2 }], paymentToken, shippingAddress: ADDRESS },
      { actor },
    );
    return orderId;
  };
  const reserved = (orderId: string) =>
    replyOf(StockReserved, orderId, {
      orderId,
      items: [{ sku: lamp.sku, quantity: 2 }],
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    });
  const authorized = (orderId: string, paymentId = randomUUID()) =>
    replyOf(PaymentAuthorized, orderId, { orderId, paymentId, amount: { amount: 2500, currency: 'EUR' } });
  const committed = (orderId: string) => replyOf(StockCommitted, orderId, { orderId });
  const released = (orderId: string, reason: 'ORDER_CANCELLED' | 'EXPIRED' = 'ORDER_CANCELLED') =>
    replyOf(StockReleased, orderId, { orderId, reason });
  const refunded = (orderId: string) => replyOf(PaymentRefunded, orderId, { orderId, paymentId: null, amount: null });
  const types = async (orderId: string) => (await orders.messagesOf(orderId)).map((m) => m.type);
  const stateOf = async (orderId: string) => {
    const row = await orders.orderRow(orderId);
    return { status: row?.status, step: row?.step, reason: row?.cancellation_reason, awaiting: row?.awaiting };
  };
  const confirm = async (orderId: string) => {
    await orders.deliver(reserved(orderId));
    await orders.deliver(authorized(orderId));
    await orders.deliver(committed(orderId));
  };

  it('happy path: StockReserved → AuthorizePayment, PaymentAuthorized → CommitStock, StockCommitted → CONFIRMED', async () => {
    const orderId = await place();
    const reply = reserved(orderId);
    await orders.deliver(reply);
    expect(await stateOf(orderId)).toEqual({ status: 'PENDING', step: 'STOCK_RESERVED', reason: null, awaiting: [] });
    const authorize = (await orders.messagesOf(orderId)).find((m) => m.type === 'AuthorizePayment');
    expect(authorize).toEqual({
      topic: 'payments.commands',
      type: 'AuthorizePayment',
      payload: { orderId, amount: { amount: 2500, currency: 'EUR' }, paymentToken: 'tok_visa' },
      causationId: reply.id,
    });
    const paymentId = randomUUID();
    await orders.deliver(authorized(orderId, paymentId));
    expect((await orders.orderRow(orderId))?.payment_id).toBe(paymentId);
    await orders.deliver(committed(orderId));
    const row = await orders.orderRow(orderId);
    expect(row).toMatchObject({ status: 'CONFIRMED', step: 'CONFIRMED', deadline_at: null, version: 4 });
    expect(await types(orderId)).toEqual(['OrderPlaced', 'ReserveStock', 'AuthorizePayment', 'CommitStock', 'OrderConfirmed']);
    expect((await orders.historyOf(orderId)).map((h) => `${h.seq} ${h.status}/${h.step}`)).toEqual([
      '1 PENDING/PENDING',
      '2 PENDING/STOCK_RESERVED',
      '3 PENDING/PAYMENT_AUTHORIZED',
      '4 CONFIRMED/CONFIRMED',
    ]);
    const actor: Actor = { userId: row?.user_id as string, role: 'customer' };
    await expect(orders.rpc.call(OrdersRpc.history, { id: orderId, after: 2 }, { actor })).resolves.toEqual({
      entries: [
        { seq: 3, status: 'PENDING', step: 'PAYMENT_AUTHORIZED', at: expect.any(String) },
        { seq: 4, status: 'CONFIRMED', step: 'CONFIRMED', at: expect.any(String) },
      ],
      final: true,
    });
  });

  it('decline: PaymentDeclined → COMPENSATING(PAYMENT_DECLINED) with ReleaseStock, StockReleased → CANCELLED', async () => {
    const orderId = await place(undefined, 'tok_decline');
    await orders.deliver(reserved(orderId));
    await orders.deliver(replyOf(PaymentDeclined, orderId, { orderId, reason: 'DECLINED' }));
    expect(await stateOf(orderId)).toEqual({
      status: 'PENDING',
      step: 'COMPENSATING',
      reason: 'PAYMENT_DECLINED',
      awaiting: ['stock'],
    });
    const release = (await orders.messagesOf(orderId)).find((m) => m.type === 'ReleaseStock');
    expect(release).toMatchObject({ topic: 'inventory.commands', payload: { orderId, reason: 'ORDER_CANCELLED' } });
    await orders.deliver(released(orderId));
    expect(await stateOf(orderId)).toEqual({ status: 'CANCELLED', step: 'CANCELLED', reason: 'PAYMENT_DECLINED', awaiting: [] });
    const cancelled = (await orders.messagesOf(orderId)).find((m) => m.type === 'OrderCancelled');
    expect(cancelled).toMatchObject({ topic: 'orders.events', payload: { orderId, reason: 'PAYMENT_DECLINED' } });
    expect((await orders.orderRow(orderId))?.deadline_at).toBeNull();
  });

  it('rejection: StockRejected → CANCELLED(OUT_OF_STOCK) at once, nothing to compensate', async () => {
    const orderId = await place();
    await orders.deliver(replyOf(StockRejected, orderId, { orderId, unavailableSkus: [lamp.sku] }));
    expect(await stateOf(orderId)).toEqual({ status: 'CANCELLED', step: 'CANCELLED', reason: 'OUT_OF_STOCK', awaiting: [] });
    expect(await types(orderId)).toEqual(['OrderPlaced', 'ReserveStock', 'OrderCancelled']);
  });

  it('timeout through the real scanner: STOCK_RESERVED past its deadline compensates both, resends until acknowledged', async () => {
    const orderId = await place(undefined, 'tok_timeout');
    await orders.deliver(reserved(orderId));
    await waitUntil('the saga timed out', async () => (await stateOf(orderId)).step === 'COMPENSATING', {
      timeoutMs: STEP_TIMEOUT_MS + 5000,
      intervalMs: 100,
    });
    expect(await stateOf(orderId)).toEqual({
      status: 'PENDING',
      step: 'COMPENSATING',
      reason: 'TIMEOUT',
      awaiting: ['stock', 'payment'],
    });
    expect((await types(orderId)).slice(3)).toEqual(['ReleaseStock', 'RefundPayment']);
    // no acknowledgement: the compensations are sent again, without a history entry
    await waitUntil(
      'the compensations were sent again',
      async () => (await types(orderId)).filter((t) => t === 'ReleaseStock').length >= 2,
      {
        timeoutMs: RETRY_MS + 5000,
        intervalMs: 100,
      },
    );
    expect((await types(orderId)).filter((t) => t === 'RefundPayment').length).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`http://127.0.0.1:${orders.env.ORDERS_OPS_PORT}/metrics`)).text();
    expect(metrics).toMatch(/orders_compensation_resends_total\{[^}]*compensation="stock"[^}]*\} [1-9]/);
    await orders.deliver(refunded(orderId));
    expect(await stateOf(orderId)).toMatchObject({ step: 'COMPENSATING', awaiting: ['stock'] });
    await orders.deliver(released(orderId));
    expect(await stateOf(orderId)).toEqual({ status: 'CANCELLED', step: 'CANCELLED', reason: 'TIMEOUT', awaiting: [] });
    expect((await orders.historyOf(orderId)).map((h) => h.step)).toEqual([
      'PENDING',
      'STOCK_RESERVED',
      'COMPENSATING',
      'CANCELLED',
    ]);
    // a late authorization after the refund was asked for changes nothing (the refund voided the order)
    const before = await orders.messagesOf(orderId);
    await orders.deliver(authorized(orderId));
    expect(await orders.messagesOf(orderId)).toEqual(before);
  });

  it('cancel before confirmation (PAYMENT_AUTHORIZED): RefundPayment + ReleaseStock, then CANCELLED(CANCELLED_BY_USER)', async () => {
    const actor = newCustomer();
    const orderId = await place(actor);
    await orders.deliver(reserved(orderId));
    await orders.deliver(authorized(orderId));
    await expect(orders.rpc.call(OrdersRpc.cancel, { id: orderId }, { actor })).resolves.toEqual({ orderId, status: 'PENDING' });
    expect(await stateOf(orderId)).toEqual({
      status: 'PENDING',
      step: 'COMPENSATING',
      reason: 'CANCELLED_BY_USER',
      awaiting: ['stock', 'payment'],
    });
    const refund = (await orders.messagesOf(orderId)).find((m) => m.type === 'RefundPayment');
    expect(refund).toMatchObject({ topic: 'payments.commands', payload: { orderId, reason: 'CANCELLED_BY_USER' } });
    // the commit that was in flight arrives late: the stock is being released anyway
    await orders.deliver(committed(orderId));
    expect((await stateOf(orderId)).step).toBe('COMPENSATING');
    await orders.deliver(released(orderId));
    await orders.deliver(refunded(orderId));
    expect(await stateOf(orderId)).toEqual({ status: 'CANCELLED', step: 'CANCELLED', reason: 'CANCELLED_BY_USER', awaiting: [] });
  });

  it('cancel after confirmation: stays CONFIRMED while refunding, CANCELLED once both are acknowledged', async () => {
    const actor = newCustomer();
    const orderId = await place(actor);
    await confirm(orderId);
    await expect(orders.rpc.call(OrdersRpc.cancel, { id: orderId }, { actor })).resolves.toEqual({
      orderId,
      status: 'CONFIRMED',
    });
    expect(await stateOf(orderId)).toEqual({
      status: 'CONFIRMED',
      step: 'COMPENSATING',
      reason: 'CANCELLED_BY_USER',
      awaiting: ['stock', 'payment'],
    });
    await expect(orders.rpc.call(OrdersRpc.history, { id: orderId, after: 4 }, { actor })).resolves.toEqual({
      entries: [{ seq: 5, status: 'CONFIRMED', step: 'COMPENSATING', reason: 'CANCELLED_BY_USER', at: expect.any(String) }],
      final: false,
    });
    await orders.deliver(refunded(orderId));
    await orders.deliver(released(orderId));
    expect(await stateOf(orderId)).toEqual({ status: 'CANCELLED', step: 'CANCELLED', reason: 'CANCELLED_BY_USER', awaiting: [] });
    await expect(orders.rpc.call(OrdersRpc.cancel, { id: orderId }, { actor })).resolves.toEqual({
      orderId,
      status: 'CANCELLED',
    });
    const order = await orders.rpc.call(OrdersRpc.get, { id: orderId }, { actor });
    expect(order.statusHistory.map((h) => [h.status, h.step, h.reason])).toEqual([
      ['PENDING', 'PENDING', undefined],
      ['PENDING', 'STOCK_RESERVED', undefined],
      ['PENDING', 'PAYMENT_AUTHORIZED', undefined],
      ['CONFIRMED', 'CONFIRMED', undefined],
      ['CONFIRMED', 'COMPENSATING', 'CANCELLED_BY_USER'],
      ['CANCELLED', 'CANCELLED', 'CANCELLED_BY_USER'],
    ]);
    expect(order.cancellationReason).toBe('CANCELLED_BY_USER');
  });

  it('a duplicated reply and a reordered reply change nothing', async () => {
    const orderId = await place();
    const reply = reserved(orderId);
    await orders.deliver(reply);
    const once = {
      row: await orders.orderRow(orderId),
      messages: await orders.messagesOf(orderId),
      history: await orders.historyOf(orderId),
    };
    await orders.deliver(reply); // the same message again
    await orders.deliver(reserved(orderId)); // the same answer in a new message (a resent command's reply)
    await orders.deliver(committed(orderId)); // ahead of its turn
    await orders.deliver(released(orderId)); // nothing was asked to be released
    await orders.deliver(refunded(orderId));
    expect({
      row: await orders.orderRow(orderId),
      messages: await orders.messagesOf(orderId),
      history: await orders.historyOf(orderId),
    }).toEqual(once);
  });

  it('skips replies about orders it does not know', async () => {
    const stranger = randomUUID();
    await expect(orders.deliver(reserved(stranger))).resolves.toBeUndefined();
    expect(await orders.orderRow(stranger)).toBeUndefined();
  });

  describe('with a second instance on the same database', () => {
    let second: OrdersUnderTest;
    beforeAll(async () => {
      second = await startOrders('saga', world.catalog, world.cart, { sameAs: orders, env: { ...pick(orders.env) } });
    });
    afterAll(async () => {
      await second?.close();
    });

    it('two scanners at once (plus the periodic ones) apply each deadline once', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i += 1) ids.push(...(await Promise.all(Array.from({ length: 10 }, () => place()))));
      await orders.db.query(`UPDATE orders SET deadline_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [ids]);
      await Promise.all([
        orders.scanner.scanOnce(),
        second.scanner.scanOnce(),
        orders.scanner.scanOnce(),
        second.scanner.scanOnce(),
      ]);
      const compensating = () =>
        orders.db.query<{ order_id: string; n: number }[]>(
          `SELECT order_id, count(*)::int AS n FROM order_history WHERE order_id = ANY($1::uuid[]) AND step = 'COMPENSATING' GROUP BY order_id`,
          [ids],
        );
      // a periodic scan may have locked some first: the four above skipped those, and its commit comes a moment later
      await waitUntil('every overdue order is compensating', async () => (await compensating()).length === 60, {
        timeoutMs: 10_000,
      });
      const rows = await compensating();
      expect(rows).toHaveLength(60);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      const [firstReleases] = await orders.db.query<{ n: number }[]>(
        `SELECT count(DISTINCT message_key)::int AS n FROM outbox WHERE message_key = ANY($1::text[]) AND envelope->>'type' = 'ReleaseStock'`,
        [ids],
      );
      expect(firstReleases?.n).toBe(60);
    });

    it('history long-poll wakes on a change made through the other instance', async () => {
      const actor = newCustomer();
      const orderId = await place(actor);
      const started = Date.now();
      const polled = orders.rpc.call(OrdersRpc.history, { id: orderId, after: 1, waitMs: 10_000 }, { actor });
      await new Promise((r) => setTimeout(r, 300));
      await second.deliver(reserved(orderId));
      const answer = await polled;
      const elapsed = Date.now() - started;
      expect(answer).toEqual({
        entries: [{ seq: 2, status: 'PENDING', step: 'STOCK_RESERVED', at: expect.any(String) }],
        final: false,
      });
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(5000);
    });

    it('re-establishes its LISTEN connection when it drops, and long polls wake again', async () => {
      const listener = orders.app.get(HistoryListener, { strict: false });
      const [killed] = await orders.db.query<{ n: number }[]>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name LIKE '%-history-listener'`,
      );
      expect(killed?.n).toBeGreaterThanOrEqual(1);
      await waitUntil('the listener noticed', () => !listener.listening, { timeoutMs: 5000, intervalMs: 20 }).catch(
        () => undefined,
      );
      await waitUntil('the listener is back', () => listener.listening, { timeoutMs: 10_000, intervalMs: 50 });
      const actor = newCustomer();
      const orderId = await place(actor);
      const started = Date.now();
      const polled = orders.rpc.call(OrdersRpc.history, { id: orderId, after: 1, waitMs: 10_000 }, { actor });
      await new Promise((r) => setTimeout(r, 200));
      await second.deliver(reserved(orderId));
      await expect(polled).resolves.toMatchObject({ entries: [{ seq: 2, step: 'STOCK_RESERVED' }] });
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('history long-poll answers empty after waitMs, and at once for a final order', async () => {
      const actor = newCustomer();
      const orderId = await place(actor);
      let started = Date.now();
      await expect(orders.rpc.call(OrdersRpc.history, { id: orderId, after: 1, waitMs: 600 }, { actor })).resolves.toEqual({
        entries: [],
        final: false,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(550);
      // a caller that waits less than waitMs gets its (empty) answer before its own deadline, not a timeout
      started = Date.now();
      await expect(
        orders.rpc.call(OrdersRpc.history, { id: orderId, after: 1, waitMs: 20_000 }, { actor, timeoutMs: 1500 }),
      ).resolves.toEqual({ entries: [], final: false });
      expect(Date.now() - started).toBeLessThan(1500);
      await orders.deliver(replyOf(StockRejected, orderId, { orderId, unavailableSkus: [] }));
      started = Date.now();
      await expect(orders.rpc.call(OrdersRpc.history, { id: orderId, after: 2, waitMs: 10_000 }, { actor })).resolves.toEqual({
        entries: [],
        final: true,
      });
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });
});

/** The settings of an instance that a second one must share. */
function pick(env: Record<string, string>): Record<string, string> {
  const keys = ['ORDER_STEP_TIMEOUT_MS', 'ORDER_COMPENSATION_RETRY_MS', 'ORDER_DEADLINE_SCAN_INTERVAL_MS'];
  return Object.fromEntries(keys.map((k) => [k, env[k]]));
}
