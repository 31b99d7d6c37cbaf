import { randomUUID } from 'node:crypto';
import { AppError } from '@shopmesh/errors';
import { CartRpc, CatalogRpc, OrdersRpc, type Actor, type Product } from '@shopmesh/contracts';
import { requestHashOf } from '../src/idempotency/canonical-json';
import { ADDRESS, ADMIN, newCustomer, newKey, startWorld, type OrdersWorld } from './orders-world';

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'OK',
    (error: unknown) => (error instanceof AppError ? error.code : `unexpected: ${String(error)}`),
  );

describe('orders: placing, checkout and idempotency (real Postgres, Kafka, catalog and cart)', () => {
  let world: OrdersWorld;
  let lamp: Product;
  let mug: Product;
  let dollar: Product;

  beforeAll(async () => {
    world = await startWorld('place', { ORDER_STEP_TIMEOUT_MS: '600000', ORDER_DEADLINE_SCAN_INTERVAL_MS: '60000' });
    lamp = await world.createProduct(1999);
    mug = await world.createProduct(500);
    dollar = await world.createProduct(700, 'USD');
  });
  afterAll(async () => {
    await world?.close();
  });

  const place = (actor: Actor, key: string, items = [{ productId: lamp.id, quantity: 2 }], paymentToken = 'tok_visa') =>
    world.orders.rpc.call(OrdersRpc.place, { idempotencyKey: key, items, paymentToken, shippingAddress: ADDRESS }, { actor });
  const ordersOf = async (userId: string) =>
    world.orders.db.query<{ id: string }[]>(`SELECT id FROM orders WHERE user_id = $1`, [userId]);

  it('accepts an order: order, lines, history, OrderPlaced and ReserveStock in one transaction', async () => {
    const actor = newCustomer();
    const accepted = await place(actor, newKey(), [
      { productId: lamp.id, quantity: 2 },
      { productId: mug.id, quantity: 1 },
    ]);
    expect(accepted).toEqual({ orderId: expect.any(String), status: 'PENDING' });
    const row = await world.orders.orderRow(accepted.orderId);
    expect(row).toMatchObject({
      user_id: actor.userId,
      status: 'PENDING',
      step: 'PENDING',
      total_amount: '4498',
      currency: 'EUR',
      payment_token: 'tok_visa',
      awaiting: [],
      cancellation_reason: null,
      version: 1,
    });
    expect(row?.deadline_at).toBeInstanceOf(Date);
    const lines = await world.orders.db.query(
      `SELECT line_no, product_id, sku, quantity, unit_amount FROM order_lines WHERE order_id = $1 ORDER BY line_no`,
      [accepted.orderId],
    );
    expect(lines).toEqual([
      { line_no: 1, product_id: lamp.id, sku: lamp.sku, quantity: 2, unit_amount: '1999' },
      { line_no: 2, product_id: mug.id, sku: mug.sku, quantity: 1, unit_amount: '500' },
    ]);
    expect(await world.orders.historyOf(accepted.orderId)).toEqual([
      { seq: 1, status: 'PENDING', step: 'PENDING', reason: null },
    ]);
    const messages = await world.orders.messagesOf(accepted.orderId);
    expect(messages.map((m) => `${m.topic} ${m.type}`)).toEqual(['orders.events OrderPlaced', 'inventory.commands ReserveStock']);
    expect(messages[1]?.payload).toEqual({
      orderId: accepted.orderId,
      items: [
        { sku: lamp.sku, quantity: 2 },
        { sku: mug.sku, quantity: 1 },
      ],
      expiresAt: expect.any(String),
    });
    expect(messages[0]?.payload).toMatchObject({
      orderId: accepted.orderId,
      userId: actor.userId,
      total: { amount: 4498, currency: 'EUR' },
    });
  });

  it('writes nothing when pricing fails, and releases the key so a fixed body may use it', async () => {
    const actor = newCustomer();
    const key = newKey();
    const unknown = randomUUID();
    await expect(place(actor, key, [{ productId: unknown, quantity: 1 }])).rejects.toMatchObject({
      code: 'ORDERS.PRODUCT_UNAVAILABLE',
      message: expect.stringContaining(unknown),
    });
    expect(
      await codeOf(
        place(actor, newKey(), [
          { productId: lamp.id, quantity: 1 },
          { productId: dollar.id, quantity: 1 },
        ]),
      ),
    ).toBe('ORDERS.CURRENCY_MISMATCH');
    expect(await ordersOf(actor.userId)).toEqual([]);
    expect(await world.orders.db.query(`SELECT key FROM idempotency_keys WHERE user_id = $1`, [actor.userId])).toEqual([]);
    const fixed = await place(actor, key, [{ productId: lamp.id, quantity: 1 }]);
    expect(fixed.status).toBe('PENDING');
  });

  it('refuses a total that is not a safe integer', async () => {
    const huge = await world.createProduct(Math.floor(Number.MAX_SAFE_INTEGER / 10));
    expect(await codeOf(place(newCustomer(), newKey(), [{ productId: huge.id, quantity: 99 }]))).toBe('ORDERS.TOTAL_TOO_LARGE');
  });

  it('refuses a call without a verified user', async () => {
    await expect(
      world.orders.rpc.call(OrdersRpc.place, {
        idempotencyKey: newKey(),
        items: [{ productId: lamp.id, quantity: 1 }],
        paymentToken: 'tok_visa',
        shippingAddress: ADDRESS,
      }),
    ).rejects.toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
  });

  describe('Idempotency-Key', () => {
    it('answers a sequential retry with the same answer and places one order', async () => {
      const actor = newCustomer();
      const key = newKey();
      const first = await place(actor, key);
      await expect(place(actor, key)).resolves.toEqual(first);
      expect(await ordersOf(actor.userId)).toEqual([{ id: first.orderId }]);
    });

    it('lets 10 concurrent duplicates place one order; the others are 409 or the replay', async () => {
      const actor = newCustomer();
      const key = newKey();
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () =>
          place(actor, key).then(
            (answer) => answer,
            (error: unknown) => (error instanceof AppError ? error.code : 'unexpected'),
          ),
        ),
      );
      const orders = await ordersOf(actor.userId);
      expect(orders).toHaveLength(1);
      const answers = outcomes.filter((o) => typeof o !== 'string');
      expect(answers.length).toBeGreaterThanOrEqual(1);
      for (const answer of answers) expect(answer).toEqual({ orderId: orders[0]?.id, status: 'PENDING' });
      for (const code of outcomes.filter((o) => typeof o === 'string')) expect(code).toBe('IDEMPOTENCY.IN_PROGRESS');
    });

    it('refuses the same key with another body (422) and keeps the first answer', async () => {
      const actor = newCustomer();
      const key = newKey();
      const first = await place(actor, key);
      expect(await codeOf(place(actor, key, [{ productId: mug.id, quantity: 1 }]))).toBe('IDEMPOTENCY.KEY_REUSED');
      expect(await codeOf(place(actor, key, undefined, 'tok_decline'))).toBe('IDEMPOTENCY.KEY_REUSED');
      await expect(place(actor, key)).resolves.toEqual(first);
    });

    it('scopes keys per user: the same key of another user places its own order', async () => {
      const key = newKey();
      const [a, b] = [newCustomer(), newCustomer()];
      const first = await place(a, key);
      const second = await place(b, key);
      expect(second.orderId).not.toBe(first.orderId);
    });

    it('answers 409 while the first request holds the key, and takes over a claim abandoned for 30 s', async () => {
      const actor = newCustomer();
      const key = newKey();
      const held = await world.orders.keys.claim(actor.userId, key, 'orders', 'some-hash');
      expect(held.kind).toBe('claimed');
      expect(await codeOf(place(actor, key))).toBe('IDEMPOTENCY.KEY_REUSED'); // other hash
      await world.orders.db.query(`DELETE FROM idempotency_keys WHERE user_id = $1`, [actor.userId]);
      // a real holder of the same request: the first place() claims, we fake a crash by never completing
      const hash = requestHashOf({
        items: [{ productId: lamp.id, quantity: 2 }],
        paymentToken: 'tok_visa',
        shippingAddress: ADDRESS,
      });
      await world.orders.keys.claim(actor.userId, key, 'orders', hash);
      expect(await codeOf(place(actor, key))).toBe('IDEMPOTENCY.IN_PROGRESS');
      await world.orders.db.query(`UPDATE idempotency_keys SET updated_at = now() - interval '31 seconds' WHERE user_id = $1`, [
        actor.userId,
      ]);
      await expect(place(actor, key)).resolves.toMatchObject({ status: 'PENDING' });
      expect(await ordersOf(actor.userId)).toHaveLength(1);
    });

    it('keeps orders keys and checkout keys apart', async () => {
      const actor = newCustomer();
      const key = newKey();
      await place(actor, key);
      expect(
        await codeOf(
          world.orders.rpc.call(
            OrdersRpc.checkout,
            { idempotencyKey: key, paymentToken: 'tok_visa', shippingAddress: ADDRESS },
            { actor },
          ),
        ),
      ).toBe('IDEMPOTENCY.KEY_REUSED');
    });

    it('sweeps expired keys', async () => {
      const actor = newCustomer();
      await place(actor, newKey());
      await world.orders.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
        actor.userId,
      ]);
      expect(await world.orders.keys.sweepExpired()).toBe(1);
      expect(await world.orders.db.query(`SELECT key FROM idempotency_keys WHERE user_id = $1`, [actor.userId])).toEqual([]);
    });
  });

  describe('checkout', () => {
    const checkout = (actor: Actor, key = newKey()) =>
      world.orders.rpc.call(
        OrdersRpc.checkout,
        { idempotencyKey: key, paymentToken: 'tok_visa', shippingAddress: ADDRESS },
        { actor },
      );

    it('places the cart as an order at its prices and empties the cart; a retry replays without a second order', async () => {
      const actor = newCustomer();
      await world.cart.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 3 }, { actor });
      await world.cart.rpc.call(CartRpc.setItem, { productId: mug.id, quantity: 1 }, { actor });
      const key = newKey();
      const accepted = await checkout(actor, key);
      expect(accepted.status).toBe('PENDING');
      const order = await world.orders.rpc.call(OrdersRpc.get, { id: accepted.orderId }, { actor });
      expect(order.items.map((i) => [i.productId, i.quantity, i.unitPrice.amount])).toEqual([
        [lamp.id, 3, 1999],
        [mug.id, 1, 500],
      ]);
      expect(order.total).toEqual({ amount: 6497, currency: 'EUR' });
      expect((await world.cart.rpc.call(CartRpc.get, {}, { actor })).items).toEqual([]);
      await expect(checkout(actor, key)).resolves.toEqual(accepted);
      expect(await ordersOf(actor.userId)).toHaveLength(1);
    });

    it('refuses an empty cart', async () => {
      expect(await codeOf(checkout(newCustomer()))).toBe('CART.EMPTY');
    });

    it('refuses a cart whose lines need review, naming them', async () => {
      const actor = newCustomer();
      const withdrawn = await world.createProduct(300);
      await world.cart.rpc.call(CartRpc.setItem, { productId: withdrawn.id, quantity: 1 }, { actor });
      await world.catalog.rpc.call(CatalogRpc.deactivateProduct, { id: withdrawn.id });
      await waitForCart(actor, (items) => items.some((i) => i.unavailable));
      await expect(checkout(actor)).rejects.toMatchObject({
        code: 'CART.NEEDS_REVIEW',
        message: expect.stringContaining(withdrawn.id),
      });
      expect(await ordersOf(actor.userId)).toEqual([]);
    });

    it("refuses a cart whose price is no longer catalog's (ORDERS.PRICE_CHANGED) and places nothing", async () => {
      const actor = newCustomer();
      const product = await world.createProduct(800);
      await world.cart.rpc.call(CartRpc.setItem, { productId: product.id, quantity: 1 }, { actor });
      // a change the cart has not heard of yet: catalog's row changes without an event
      await world.catalogSql(`UPDATE products SET price_amount = 900 WHERE id = $1`, [product.id]);
      await expect(checkout(actor)).rejects.toMatchObject({
        code: 'ORDERS.PRICE_CHANGED',
        message: expect.stringContaining(product.id),
      });
      expect(await ordersOf(actor.userId)).toEqual([]);
      expect((await world.cart.rpc.call(CartRpc.get, {}, { actor })).items).toHaveLength(1);
    });

    async function waitForCart(actor: Actor, ok: (items: { unavailable: boolean }[]) => boolean) {
      for (let i = 0; i < 100; i += 1) {
        if (ok((await world.cart.rpc.call(CartRpc.get, {}, { actor })).items)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the cart never saw the change');
    }
  });

  describe('reading and cancelling', () => {
    it("shows a customer their own orders only (another's is not found); an admin sees all", async () => {
      const [owner, other] = [newCustomer(), newCustomer()];
      const { orderId } = await place(owner, newKey());
      const order = await world.orders.rpc.call(OrdersRpc.get, { id: orderId }, { actor: owner });
      expect(order).toMatchObject({
        id: orderId,
        userId: owner.userId,
        status: 'PENDING',
        step: 'PENDING',
        total: { amount: 3998, currency: 'EUR' },
        shippingAddress: ADDRESS,
        statusHistory: [{ seq: 1, status: 'PENDING', step: 'PENDING', at: expect.any(String) }],
      });
      expect(order.cancellationReason).toBeUndefined();
      expect(await codeOf(world.orders.rpc.call(OrdersRpc.get, { id: orderId }, { actor: other }))).toBe(
        'ORDERS.ORDER_NOT_FOUND',
      );
      expect(await codeOf(world.orders.rpc.call(OrdersRpc.cancel, { id: orderId }, { actor: other }))).toBe(
        'ORDERS.ORDER_NOT_FOUND',
      );
      expect(await codeOf(world.orders.rpc.call(OrdersRpc.history, { id: orderId }, { actor: other }))).toBe(
        'ORDERS.ORDER_NOT_FOUND',
      );
      await expect(world.orders.rpc.call(OrdersRpc.get, { id: orderId }, { actor: ADMIN })).resolves.toMatchObject({
        id: orderId,
      });
    });

    it('lists newest first with a cursor, filters by status, and refuses a forged cursor', async () => {
      const actor = newCustomer();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await place(actor, newKey())).orderId);
      await world.orders.rpc.call(OrdersRpc.cancel, { id: ids[0] }, { actor });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await world.orders.rpc.call(OrdersRpc.list, { limit: 2, ...(cursor ? { cursor } : {}) }, { actor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((o) => o.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      const pending = await world.orders.rpc.call(OrdersRpc.list, { status: 'PENDING', limit: 100 }, { actor });
      expect(pending.items.map((o) => o.id).sort()).toEqual([...ids].sort()); // cancelling compensates first: still PENDING
      const admin = await world.orders.rpc.call(OrdersRpc.list, { limit: 100 }, { actor: ADMIN });
      expect(admin.items.length).toBeGreaterThan(5);
      expect(await codeOf(world.orders.rpc.call(OrdersRpc.list, { limit: 2, cursor: 'garbage' }, { actor }))).toBe(
        'VALIDATION.FAILED',
      );
    });

    it('cancels before confirmation: 202 PENDING, compensating with ReleaseStock, idempotent', async () => {
      const actor = newCustomer();
      const { orderId } = await place(actor, newKey());
      await expect(world.orders.rpc.call(OrdersRpc.cancel, { id: orderId }, { actor })).resolves.toEqual({
        orderId,
        status: 'PENDING',
      });
      await expect(world.orders.rpc.call(OrdersRpc.cancel, { id: orderId }, { actor: ADMIN })).resolves.toEqual({
        orderId,
        status: 'PENDING',
      });
      const order = await world.orders.rpc.call(OrdersRpc.get, { id: orderId }, { actor });
      expect(order).toMatchObject({ step: 'COMPENSATING', status: 'PENDING', cancellationReason: 'CANCELLED_BY_USER' });
      const messages = await world.orders.messagesOf(orderId);
      expect(messages.filter((m) => m.type === 'ReleaseStock')).toHaveLength(1);
    });
  });
});
