import {
  CommitStock,
  InventoryRpc,
  ReleaseStock,
  ReserveStock,
  StockRejected,
  StockReleased,
  StockReserved,
} from '@shopmesh/contracts';
import { payloadOf, type Envelope } from '@shopmesh/messaging';
import {
  ADMIN,
  auditDisagreements,
  envelopeOf,
  repliesTo,
  startInventory,
  stockOf,
  type InventoryUnderTest,
} from './inventory-harness';

describe('inventory reservations (real Postgres)', () => {
  let sut: InventoryUnderTest;
  const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

  beforeAll(async () => {
    sut = await startInventory('reservations');
  });
  afterEach(async () => {
    await expect(auditDisagreements(sut.db)).resolves.toEqual([]);
  });
  afterAll(async () => {
    await sut?.close();
  });

  const stocked = async (onHand: number): Promise<string> => {
    const sku = sut.newSku();
    await sut.rpc.call(InventoryRpc.setStock, { sku, onHand }, { actor: ADMIN });
    return sku;
  };
  const reserve = (orderId: string, items: Array<{ sku: string; quantity: number }>, expiresAt = inAnHour()) =>
    sut.handle(envelopeOf(ReserveStock, orderId, { orderId, items, expiresAt }));
  const commit = (orderId: string) => sut.handle(envelopeOf(CommitStock, orderId, { orderId }));
  const release = (orderId: string) => sut.handle(envelopeOf(ReleaseStock, orderId, { orderId, reason: 'ORDER_CANCELLED' }));
  const typesOf = (replies: Envelope[]) => replies.map((r) => r.type);
  const orderRow = async (orderId: string) =>
    (
      await sut.db.query<Array<{ status: string; release_reason: string | null }>>(
        `SELECT status, release_reason FROM reservation_orders WHERE order_id = $1`,
        [orderId],
      )
    )[0];

  it('reserves every line of an order, answering StockReserved with its lines and expiry', async () => {
    const [a, b] = [await stocked(5), await stocked(3)];
    const orderId = sut.newOrder();
    const expiresAt = inAnHour();
    await reserve(
      orderId,
      [
        { sku: b, quantity: 3 },
        { sku: a, quantity: 2 },
      ],
      expiresAt,
    );

    const [reply] = await repliesTo(sut.db, orderId);
    expect(payloadOf(StockReserved, reply)).toEqual({
      orderId,
      items: [
        { sku: a, quantity: 2 },
        { sku: b, quantity: 3 },
      ],
      expiresAt,
    });
    expect(await stockOf(sut.db, a)).toMatchObject({ on_hand: 5, reserved: 2 });
    expect(await stockOf(sut.db, b)).toMatchObject({ on_hand: 3, reserved: 3 });
    await expect(sut.rpc.call(InventoryRpc.getStock, { sku: a }, { actor: ADMIN })).resolves.toMatchObject({
      onHand: 5,
      reserved: 2,
      available: 3,
    });
  });

  it('reserves all or nothing: one short line (or an unknown SKU) rejects the order and holds nothing', async () => {
    const [a, b] = [await stocked(5), await stocked(1)];
    const unknown = sut.newSku();
    const orderId = sut.newOrder();
    await reserve(orderId, [
      { sku: a, quantity: 2 },
      { sku: b, quantity: 2 },
      { sku: unknown, quantity: 1 },
    ]);

    const [reply] = await repliesTo(sut.db, orderId);
    expect(payloadOf(StockRejected, reply)).toEqual({ orderId, unavailableSkus: [b, unknown] });
    expect(await stockOf(sut.db, a)).toMatchObject({ on_hand: 5, reserved: 0 });
    expect(await stockOf(sut.db, b)).toMatchObject({ on_hand: 1, reserved: 0 });
    expect(await stockOf(sut.db, unknown)).toBeUndefined();
    expect(await orderRow(orderId)).toEqual({ status: 'REJECTED', release_reason: null });
    const [{ n }] = await sut.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM reservations WHERE order_id = $1`, [
      orderId,
    ]);
    expect(n).toBe(0);
  });

  it('100 concurrent orders for a SKU with 5 units: exactly 5 reserved, the other 95 rejected', async () => {
    const sku = await stocked(5);
    const orders = Array.from({ length: 100 }, () => sut.newOrder());
    await Promise.all(orders.map((orderId) => reserve(orderId, [{ sku, quantity: 1 }])));

    expect(await stockOf(sut.db, sku)).toMatchObject({ on_hand: 5, reserved: 5 });
    const outcomes = await Promise.all(orders.map(async (orderId) => typesOf(await repliesTo(sut.db, orderId))));
    expect(outcomes.filter((t) => t.join() === 'StockReserved')).toHaveLength(5);
    expect(outcomes.filter((t) => t.join() === 'StockRejected')).toHaveLength(95);
    await expect(sut.rpc.call(InventoryRpc.getStock, { sku }, { actor: ADMIN })).resolves.toMatchObject({ available: 0 });
  });

  it('concurrent two-line orders against a short SKU: each holds both lines or neither', async () => {
    const [short, plenty] = [await stocked(10), await stocked(30)];
    const orders = Array.from({ length: 40 }, () => sut.newOrder());
    await Promise.all(
      orders.map((orderId, i) =>
        reserve(
          orderId,
          i % 2 === 0
            ? [
                { sku: plenty, quantity: 1 },
                { sku: short, quantity: 1 },
              ]
            : [
                { sku: short, quantity: 1 },
                { sku: plenty, quantity: 1 },
              ],
        ),
      ),
    );
    expect(await stockOf(sut.db, short)).toMatchObject({ on_hand: 10, reserved: 10 });
    expect(await stockOf(sut.db, plenty)).toMatchObject({ on_hand: 30, reserved: 10 });
  });

  it('orders taking the same SKUs in opposite orders, concurrently, never deadlock', async () => {
    const [a, b] = [await stocked(1000), await stocked(1000)];
    const orders = Array.from({ length: 60 }, (_, i) => ({ orderId: sut.newOrder(), forward: i % 2 === 0 }));
    await Promise.all(
      orders.map(({ orderId, forward }) =>
        reserve(
          orderId,
          forward
            ? [
                { sku: a, quantity: 1 },
                { sku: b, quantity: 1 },
              ]
            : [
                { sku: b, quantity: 1 },
                { sku: a, quantity: 1 },
              ],
        ),
      ),
    );
    expect(await stockOf(sut.db, a)).toMatchObject({ reserved: 60 });
    expect(await stockOf(sut.db, b)).toMatchObject({ reserved: 60 });
    // and releasing and committing them, concurrently too
    await Promise.all(orders.map(({ orderId, forward }) => (forward ? commit(orderId) : release(orderId))));
    expect(await stockOf(sut.db, a)).toMatchObject({ on_hand: 970, reserved: 0 });
    expect(await stockOf(sut.db, b)).toMatchObject({ on_hand: 970, reserved: 0 });
  });

  it('a second ReserveStock answers the first decision and holds nothing more', async () => {
    const sku = await stocked(3);
    const [reserved, rejected] = [sut.newOrder(), sut.newOrder()];
    await reserve(reserved, [{ sku, quantity: 2 }]);
    await reserve(rejected, [{ sku, quantity: 2 }]);
    await reserve(reserved, [{ sku, quantity: 1 }]); // a redelivery under a new message id, even with other lines
    await reserve(rejected, [{ sku, quantity: 1 }]); // would fit now: still rejected

    expect(await stockOf(sut.db, sku)).toMatchObject({ on_hand: 3, reserved: 2 });
    const [first, again] = await repliesTo(sut.db, reserved);
    expect(again?.type).toBe('StockReserved');
    expect(again?.payload).toEqual(first?.payload);
    expect(typesOf(await repliesTo(sut.db, rejected))).toEqual(['StockRejected', 'StockRejected']);
  });

  it('commits a reservation once: stock leaves on_hand, the ledger records it, a second commit only answers', async () => {
    const sku = await stocked(4);
    const orderId = sut.newOrder();
    await reserve(orderId, [{ sku, quantity: 3 }]);
    await commit(orderId);
    await commit(orderId);
    await reserve(orderId, [{ sku, quantity: 3 }]);

    expect(await stockOf(sut.db, sku)).toMatchObject({ on_hand: 1, reserved: 0 });
    expect(typesOf(await repliesTo(sut.db, orderId))).toEqual([
      'StockReserved',
      'StockCommitted',
      'StockCommitted',
      'StockReserved',
    ]);
    expect(await orderRow(orderId)).toEqual({ status: 'COMMITTED', release_reason: null });
    const movements = await sut.db.query(`SELECT kind, delta FROM stock_movements WHERE sku = $1 ORDER BY id`, [sku]);
    expect(movements).toEqual([
      { kind: 'SET', delta: 4 },
      { kind: 'COMMIT', delta: -3 },
    ]);
  });

  it('releases reserved stock; committed stock goes back on hand; releasing again changes nothing', async () => {
    const sku = await stocked(10);
    const [reservedOrder, committedOrder] = [sut.newOrder(), sut.newOrder()];
    await reserve(reservedOrder, [{ sku, quantity: 2 }]);
    await reserve(committedOrder, [{ sku, quantity: 3 }]);
    await commit(committedOrder);
    expect(await stockOf(sut.db, sku)).toMatchObject({ on_hand: 7, reserved: 2 });

    await release(reservedOrder);
    await release(committedOrder);
    await release(committedOrder);
    expect(await stockOf(sut.db, sku)).toMatchObject({ on_hand: 10, reserved: 0 });
    expect(typesOf(await repliesTo(sut.db, committedOrder))).toEqual([
      'StockReserved',
      'StockCommitted',
      'StockReleased',
      'StockReleased',
    ]);
    expect(payloadOf(StockReleased, (await repliesTo(sut.db, reservedOrder))[1])).toEqual({
      orderId: reservedOrder,
      reason: 'ORDER_CANCELLED',
    });
    const movements = await sut.db.query(`SELECT kind, delta FROM stock_movements WHERE sku = $1 ORDER BY id`, [sku]);
    expect(movements).toEqual([
      { kind: 'SET', delta: 10 },
      { kind: 'COMMIT', delta: -3 },
      { kind: 'RETURN', delta: 3 },
    ]);
  });

  it('Release before Reserve: acknowledged, recorded, and the late ReserveStock reserves nothing', async () => {
    const sku = await stocked(5);
    const orderId = sut.newOrder();
    await release(orderId);
    await reserve(orderId, [{ sku, quantity: 1 }]);

    expect(await stockOf(sut.db, sku)).toMatchObject({ on_hand: 5, reserved: 0 });
    expect(await orderRow(orderId)).toEqual({ status: 'RELEASED', release_reason: 'ORDER_CANCELLED' });
    const replies = await repliesTo(sut.db, orderId);
    expect(replies.map((r) => [r.type, r.payload])).toEqual([
      ['StockReleased', { orderId, reason: 'ORDER_CANCELLED' }],
      ['StockReleased', { orderId, reason: 'ORDER_CANCELLED' }],
    ]);
  });

  it('Commit after Release, or for an order never reserved or rejected, answers StockReleased and sells nothing', async () => {
    const sku = await stocked(2);
    const [released, unknown, rejected] = [sut.newOrder(), sut.newOrder(), sut.newOrder()];
    await reserve(released, [{ sku, quantity: 1 }]);
    await release(released);
    await commit(released);
    await commit(unknown);
    await reserve(unknown, [{ sku, quantity: 1 }]); // after the commit was refused: reserves nothing
    await reserve(rejected, [{ sku, quantity: 5 }]);
    await commit(rejected);

    expect(await stockOf(sut.db, sku)).toMatchObject({ on_hand: 2, reserved: 0 });
    expect((await repliesTo(sut.db, released)).map((r) => [r.type, r.payload])).toEqual([
      ['StockReserved', expect.anything()],
      ['StockReleased', { orderId: released, reason: 'ORDER_CANCELLED' }],
      ['StockReleased', { orderId: released, reason: 'ORDER_CANCELLED' }],
    ]);
    expect((await repliesTo(sut.db, unknown)).map((r) => [r.type, r.payload])).toEqual([
      ['StockReleased', { orderId: unknown, reason: 'EXPIRED' }],
      ['StockReleased', { orderId: unknown, reason: 'EXPIRED' }],
    ]);
    expect(typesOf(await repliesTo(sut.db, rejected))).toEqual(['StockRejected', 'StockReleased']);
  });

  it('skips commands for orders it does not answer for and message types it does not know', async () => {
    const sku = await stocked(5);
    const foreign = '7d1f0c9e-1111-4aaa-8bbb-0123456789ab';
    await sut.handle(
      envelopeOf(ReserveStock, foreign, { orderId: foreign, items: [{ sku, quantity: 1 }], expiresAt: inAnHour() }),
    );
    await sut.handle({ ...envelopeOf(CommitStock, foreign, { orderId: foreign }), type: 'SomethingElse' });
    expect(await repliesTo(sut.db, foreign)).toEqual([]);
    expect(await stockOf(sut.db, sku)).toMatchObject({ reserved: 0 });
  });

  it('refuses a command that breaks its contract as non-retriable (dead-lettered, never retried)', async () => {
    const orderId = sut.newOrder();
    const broken = { ...envelopeOf(CommitStock, orderId, { orderId }), payload: { orderId, extra: 1, items: 'x' } };
    await expect(sut.handle({ ...broken, type: 'ReserveStock' })).rejects.toMatchObject({ name: 'NonRetriableError' });
  });
});
