import {
  answerToReserveAgain,
  planCommit,
  planRelease,
  reservationLinesOf,
  settlementOf,
  type OrderRecord,
  type OrderStatus,
} from './reservation-rules';

const ORDER = '0b7f6a2e-5d0c-4c1e-9a55-3f0e2c6b1a01';
const expiresAt = new Date('2026-12-02T10:00:00.000Z');
const orderOf = (status: OrderStatus, overrides: Partial<OrderRecord> = {}): OrderRecord => ({
  orderId: ORDER,
  status,
  expiresAt,
  releaseReason: status === 'RELEASED' ? 'EXPIRED' : null,
  unavailableSkus: status === 'REJECTED' ? ['B'] : [],
  lines:
    status === 'REJECTED'
      ? []
      : [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 1 },
        ],
  ...overrides,
});

describe(reservationLinesOf.name, () => {
  it('adds up repeated SKUs and sorts by SKU (the lock order)', () => {
    expect(
      reservationLinesOf([
        { sku: 'ZZ-1', quantity: 1 },
        { sku: 'AA-2', quantity: 3 },
        { sku: 'ZZ-1', quantity: 4 },
        { sku: 'Aa-1', quantity: 1 },
      ]),
    ).toEqual([
      { sku: 'AA-2', quantity: 3 },
      { sku: 'Aa-1', quantity: 1 },
      { sku: 'ZZ-1', quantity: 5 },
    ]);
  });

  it('refuses a quantity that is not a positive integer', () => {
    expect(() => reservationLinesOf([{ sku: 'A', quantity: 0 }])).toThrow(RangeError);
    expect(() => reservationLinesOf([{ sku: 'A', quantity: 1.5 }])).toThrow(RangeError);
  });
});

describe(answerToReserveAgain.name, () => {
  it('answers StockReserved again, same lines and expiry, while the order holds or has sold its stock', () => {
    for (const status of ['RESERVED', 'COMMITTED'] as const) {
      expect(answerToReserveAgain(orderOf(status))).toEqual({
        kind: 'reserved',
        orderId: ORDER,
        lines: orderOf(status).lines,
        expiresAt,
      });
    }
  });

  it('answers the same StockRejected for a rejected order and StockReleased for a released one', () => {
    expect(answerToReserveAgain(orderOf('REJECTED'))).toEqual({ kind: 'rejected', orderId: ORDER, unavailableSkus: ['B'] });
    expect(answerToReserveAgain(orderOf('RELEASED', { releaseReason: 'ORDER_CANCELLED' }))).toEqual({
      kind: 'released',
      orderId: ORDER,
      reason: 'ORDER_CANCELLED',
    });
  });
});

describe(planCommit.name, () => {
  it('commits a reserved order, and only answers a committed one', () => {
    expect(planCommit(orderOf('RESERVED'), ORDER)).toMatchObject({ kind: 'commit', reply: { kind: 'committed' } });
    expect(planCommit(orderOf('COMMITTED'), ORDER)).toEqual({ kind: 'answer', reply: { kind: 'committed', orderId: ORDER } });
  });

  it('answers StockReleased for an order holding nothing, recording an unknown one as released', () => {
    expect(planCommit(orderOf('RELEASED', { releaseReason: 'ORDER_CANCELLED' }), ORDER)).toEqual({
      kind: 'answer',
      reply: { kind: 'released', orderId: ORDER, reason: 'ORDER_CANCELLED' },
    });
    expect(planCommit(orderOf('REJECTED'), ORDER)).toEqual({
      kind: 'answer',
      reply: { kind: 'released', orderId: ORDER, reason: 'EXPIRED' },
    });
    expect(planCommit(undefined, ORDER)).toEqual({
      kind: 'record-released',
      orderId: ORDER,
      reason: 'EXPIRED',
      reply: { kind: 'released', orderId: ORDER, reason: 'EXPIRED' },
    });
  });
});

describe(planRelease.name, () => {
  it('releases an order holding stock, reserved or committed, with the reason given', () => {
    for (const status of ['RESERVED', 'COMMITTED'] as const) {
      expect(planRelease(orderOf(status), ORDER, 'ORDER_CANCELLED')).toMatchObject({
        kind: 'release',
        reason: 'ORDER_CANCELLED',
        reply: { kind: 'released', orderId: ORDER, reason: 'ORDER_CANCELLED' },
      });
    }
  });

  it('answers a released order with its first reason, a rejected one without changing it, and records an unknown one', () => {
    expect(planRelease(orderOf('RELEASED'), ORDER, 'ORDER_CANCELLED')).toEqual({
      kind: 'answer',
      reply: { kind: 'released', orderId: ORDER, reason: 'EXPIRED' },
    });
    expect(planRelease(orderOf('REJECTED'), ORDER, 'ORDER_CANCELLED')).toEqual({
      kind: 'answer',
      reply: { kind: 'released', orderId: ORDER, reason: 'ORDER_CANCELLED' },
    });
    expect(planRelease(undefined, ORDER, 'ORDER_CANCELLED')).toMatchObject({
      kind: 'record-released',
      reason: 'ORDER_CANCELLED',
    });
  });
});

describe(settlementOf.name, () => {
  it('commits: each line leaves on_hand and reserved, one COMMIT movement per line', () => {
    expect(settlementOf('commit', [orderOf('RESERVED')])).toEqual({
      changes: [
        { sku: 'A', onHandDelta: -2, reservedDelta: -2 },
        { sku: 'B', onHandDelta: -1, reservedDelta: -1 },
      ],
      movements: [
        { orderId: ORDER, sku: 'A', kind: 'COMMIT', delta: -2 },
        { orderId: ORDER, sku: 'B', kind: 'COMMIT', delta: -1 },
      ],
    });
  });

  it('releases several orders at once: one change per SKU in SKU order, RETURN movements for committed stock', () => {
    const other = '0b7f6a2e-5d0c-4c1e-9a55-3f0e2c6b1a02';
    const settlement = settlementOf('release', [
      orderOf('RESERVED', {
        lines: [
          { sku: 'C', quantity: 1 },
          { sku: 'A', quantity: 2 },
        ],
      }),
      orderOf('RESERVED', { orderId: other, lines: [{ sku: 'A', quantity: 3 }] }),
      orderOf('COMMITTED', { orderId: other, lines: [{ sku: 'B', quantity: 4 }] }),
    ]);
    expect(settlement.changes).toEqual([
      { sku: 'A', onHandDelta: 0, reservedDelta: -5 },
      { sku: 'B', onHandDelta: 4, reservedDelta: 0 },
      { sku: 'C', onHandDelta: 0, reservedDelta: -1 },
    ]);
    expect(settlement.movements).toEqual([{ orderId: other, sku: 'B', kind: 'RETURN', delta: 4 }]);
  });

  it('refuses to settle an order in a state that holds nothing', () => {
    expect(() => settlementOf('commit', [orderOf('COMMITTED')])).toThrow(/not RESERVED/);
    expect(() => settlementOf('release', [orderOf('RELEASED')])).toThrow(/holds no stock/);
  });
});
