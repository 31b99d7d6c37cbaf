import type { AuditRows, OrderRow } from './audit-rows';
import { findViolations, ordersByStatus, type Violation } from './invariant-rules';

const NOW = new Date('2026-12-02T02:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const CONFIRMED = '00000000-0000-4000-8000-000000000001';
const CANCELLED = '00000000-0000-4000-8000-000000000002';
const RUNNING = '00000000-0000-4000-8000-000000000003';
const STRANGER = '00000000-0000-4000-8000-0000000000ff';

const order = (id: string, over: Partial<OrderRow> = {}): OrderRow => ({
  id,
  userId: '00000000-0000-4000-8000-00000000aaaa',
  status: 'CONFIRMED',
  step: 'CONFIRMED',
  cancellationReason: null,
  totalAmount: 2500,
  currency: 'EUR',
  deadlineAt: null,
  createdAt: ago(60_000),
  ...over,
});

/**
 * A consistent world: SKU A (10 set, 2 committed by the confirmed order, 1 reserved by the running
 * one), SKU B (5 set, 1 committed then returned by the cancelled order, which was refunded).
 */
function world(): AuditRows {
  return {
    now: NOW,
    orders: [
      order(CONFIRMED),
      order(CANCELLED, { status: 'CANCELLED', step: 'CANCELLED', cancellationReason: 'CANCELLED_BY_USER', totalAmount: 700 }),
      order(RUNNING, {
        status: 'PENDING',
        step: 'STOCK_RESERVED',
        totalAmount: 1000,
        deadlineAt: new Date(NOW.getTime() + 5000),
      }),
    ],
    orderLines: [
      { orderId: CONFIRMED, lineNo: 1, productId: 'p-a', sku: 'A', quantity: 2, unitAmount: 1000, currency: 'EUR' },
      { orderId: CONFIRMED, lineNo: 2, productId: 'p-c', sku: 'C', quantity: 1, unitAmount: 500, currency: 'EUR' },
      { orderId: CANCELLED, lineNo: 1, productId: 'p-b', sku: 'B', quantity: 1, unitAmount: 700, currency: 'EUR' },
      { orderId: RUNNING, lineNo: 1, productId: 'p-a', sku: 'A', quantity: 1, unitAmount: 1000, currency: 'EUR' },
    ],
    stock: [
      { sku: 'A', onHand: 8, reserved: 1 },
      { sku: 'B', onHand: 5, reserved: 0 },
      { sku: 'C', onHand: 0, reserved: 0 },
    ],
    reservationOrders: [
      { orderId: CONFIRMED, status: 'COMMITTED' },
      { orderId: CANCELLED, status: 'RELEASED' },
      { orderId: RUNNING, status: 'RESERVED' },
    ],
    reservations: [
      { orderId: CONFIRMED, sku: 'A', quantity: 2, status: 'COMMITTED' },
      { orderId: CONFIRMED, sku: 'C', quantity: 1, status: 'COMMITTED' },
      { orderId: CANCELLED, sku: 'B', quantity: 1, status: 'RELEASED' },
      { orderId: RUNNING, sku: 'A', quantity: 1, status: 'RESERVED' },
    ],
    stockMovements: [
      { sku: 'A', orderId: null, kind: 'SET', delta: 10 },
      { sku: 'A', orderId: CONFIRMED, kind: 'COMMIT', delta: -2 },
      { sku: 'C', orderId: null, kind: 'SET', delta: 1 },
      { sku: 'C', orderId: CONFIRMED, kind: 'COMMIT', delta: -1 },
      { sku: 'B', orderId: null, kind: 'SET', delta: 5 },
      { sku: 'B', orderId: CANCELLED, kind: 'COMMIT', delta: -1 },
      { sku: 'B', orderId: CANCELLED, kind: 'RETURN', delta: 1 },
    ],
    ledger: [
      { orderId: CONFIRMED, paymentId: 'pay-1', kind: 'CAPTURE', amount: 2500, currency: 'EUR' },
      { orderId: CANCELLED, paymentId: 'pay-2', kind: 'CAPTURE', amount: 700, currency: 'EUR' },
      { orderId: CANCELLED, paymentId: 'pay-2', kind: 'REFUND', amount: 700, currency: 'EUR' },
    ],
    providerCharges: [
      { idempotencyKey: CONFIRMED, orderId: CONFIRMED, status: 'APPROVED', amount: 2500, refundedAmount: 0 },
      { idempotencyKey: CANCELLED, orderId: CANCELLED, status: 'APPROVED', amount: 700, refundedAmount: 700 },
    ],
  };
}

const rulesOf = (violations: Violation[]) => violations.map((v) => `${v.invariant} ${v.rule} ${v.subject}`).sort();

describe(findViolations.name, () => {
  it('finds nothing in a consistent world', () => {
    expect(findViolations(world())).toEqual([]);
  });

  describe('1: every order ends within its deadline plus recovery time', () => {
    it('reports an order past its deadline beyond the grace, not within it', () => {
      const rows = world();
      const running = rows.orders[2];
      running.deadlineAt = ago(30_000);
      expect(findViolations(rows, { graceMs: 60_000, pendingMaxAgeMs: 3_600_000 })).toEqual([]);
      running.deadlineAt = ago(61_000);
      expect(rulesOf(findViolations(rows, { graceMs: 60_000, pendingMaxAgeMs: 3_600_000 }))).toEqual([
        `1 ORDER_PAST_DEADLINE ${RUNNING}`,
      ]);
    });

    it('reports an order PENDING longer than the max age even with a later deadline, and one with no deadline', () => {
      const rows = world();
      rows.orders[2].createdAt = ago(2 * 3_600_000);
      expect(rulesOf(findViolations(rows, { graceMs: 60_000, pendingMaxAgeMs: 3_600_000 }))).toEqual([
        `1 ORDER_PENDING_TOO_LONG ${RUNNING}`,
      ]);
      rows.orders[2].deadlineAt = null;
      expect(rulesOf(findViolations(rows, { graceMs: 60_000, pendingMaxAgeMs: 3_600_000 }))).toContain(
        `1 ORDER_STUCK_WITHOUT_DEADLINE ${RUNNING}`,
      );
    });

    it('counts a CONFIRMED order still compensating (a deadline set) as not final', () => {
      const rows = world();
      Object.assign(rows.orders[0], { step: 'COMPENSATING', deadlineAt: ago(120_000) });
      expect(rulesOf(findViolations(rows))).toEqual([`1 ORDER_PAST_DEADLINE ${CONFIRMED}`]);
    });
  });

  describe('2: stock is never negative and agrees with reservations and movements', () => {
    it('reports negative stock, reserved above on hand, and reserved other than what RESERVED reservations hold', () => {
      const rows = world();
      rows.stock[0] = { sku: 'A', onHand: 1, reserved: 2 };
      rows.stockMovements.push({ sku: 'A', orderId: null, kind: 'SET', delta: -7 });
      rows.stock[1] = { sku: 'B', onHand: -1, reserved: -1 };
      rows.stockMovements.push({ sku: 'B', orderId: null, kind: 'SET', delta: -6 });
      expect(rulesOf(findViolations(rows))).toEqual([
        '2 STOCK_NEGATIVE B',
        '2 STOCK_NEGATIVE B',
        '2 STOCK_OVER_RESERVED A',
        '2 STOCK_RESERVED_MISMATCH A',
        '2 STOCK_RESERVED_MISMATCH B',
      ]);
    });

    it('reports on hand other than the sum of its movements, and reservations of a SKU with no stock row', () => {
      const rows = world();
      rows.stock[1] = { sku: 'B', onHand: 6, reserved: 0 };
      rows.reservations.push({ orderId: RUNNING, sku: 'Z', quantity: 1, status: 'RESERVED' });
      expect(rulesOf(findViolations(rows))).toEqual(['2 RESERVATION_WITHOUT_STOCK Z', '2 STOCK_MOVEMENTS_MISMATCH B']);
    });
  });

  describe('3: a confirmed order has one capture of its total and committed stock for every line', () => {
    it('reports a confirmed order without a capture, with a refund, or captured for another amount', () => {
      const rows = world();
      rows.ledger = rows.ledger.filter((l) => l.orderId !== CONFIRMED);
      expect(rulesOf(findViolations(rows))).toEqual([`3 CONFIRMED_WITHOUT_ONE_CAPTURE ${CONFIRMED}`]);
      rows.ledger.push({ orderId: CONFIRMED, paymentId: 'pay-1', kind: 'CAPTURE', amount: 2400, currency: 'EUR' });
      rows.ledger.push({ orderId: CONFIRMED, paymentId: 'pay-1', kind: 'REFUND', amount: 100, currency: 'EUR' });
      expect(rulesOf(findViolations(rows))).toEqual([
        `3 CONFIRMED_CAPTURE_MISMATCH ${CONFIRMED}`,
        `3 CONFIRMED_REFUNDED ${CONFIRMED}`,
      ]);
    });

    it('reports a confirmed order whose lines are not all committed, or still reserved', () => {
      const rows = world();
      rows.reservations = rows.reservations.filter((r) => !(r.orderId === CONFIRMED && r.sku === 'C'));
      rows.stockMovements = rows.stockMovements.filter((m) => !(m.orderId === CONFIRMED && m.sku === 'C'));
      rows.stock[2] = { sku: 'C', onHand: 1, reserved: 0 };
      expect(rulesOf(findViolations(rows))).toEqual([`3 CONFIRMED_STOCK_NOT_COMMITTED ${CONFIRMED}`]);
      rows.reservations.push({ orderId: CONFIRMED, sku: 'C', quantity: 1, status: 'RESERVED' });
      rows.stock[2] = { sku: 'C', onHand: 1, reserved: 1 };
      expect(rulesOf(findViolations(rows))).toEqual([
        `3 CONFIRMED_STOCK_NOT_COMMITTED ${CONFIRMED}`,
        `3 CONFIRMED_STOCK_STILL_RESERVED ${CONFIRMED}`,
      ]);
    });
  });

  describe('4: a cancelled order has no net charge and holds no stock', () => {
    it('reports a cancelled order charged and not refunded, in the ledger and at the provider', () => {
      const rows = world();
      rows.ledger = rows.ledger.filter((l) => l.kind !== 'REFUND');
      rows.providerCharges[1] = { ...rows.providerCharges[1], refundedAmount: 0 };
      expect(rulesOf(findViolations(rows))).toEqual([
        `4 CANCELLED_PROVIDER_STILL_CHARGED ${CANCELLED}`,
        `4 CANCELLED_WITH_NET_CHARGE ${CANCELLED}`,
      ]);
    });

    it('reports a cancelled order that still holds a reservation', () => {
      const rows = world();
      rows.reservations[2] = { orderId: CANCELLED, sku: 'B', quantity: 1, status: 'RESERVED' };
      rows.reservationOrders[1] = { orderId: CANCELLED, status: 'RESERVED' };
      rows.stock[1] = { sku: 'B', onHand: 5, reserved: 1 };
      expect(rulesOf(findViolations(rows))).toEqual([
        `4 CANCELLED_HOLDS_STOCK ${CANCELLED}`,
        `4 CANCELLED_HOLDS_STOCK ${CANCELLED}`,
      ]);
    });

    it('does not judge a cancellation still compensating', () => {
      const rows = world();
      rows.ledger = rows.ledger.filter((l) => l.kind !== 'REFUND');
      rows.providerCharges[1] = { ...rows.providerCharges[1], refundedAmount: 0 };
      Object.assign(rows.orders[1], {
        step: 'COMPENSATING',
        status: 'PENDING',
        deadlineAt: new Date(NOW.getTime() + 1000),
      });
      expect(findViolations(rows)).toEqual([]);
    });
  });

  describe('5: no effect twice, none for an unknown order', () => {
    it('reports two captures, two approved provider charges, a refund above the capture and a commit twice', () => {
      const rows = world();
      rows.ledger.push({ orderId: CONFIRMED, paymentId: 'pay-9', kind: 'CAPTURE', amount: 2500, currency: 'EUR' });
      rows.ledger.push({ orderId: CANCELLED, paymentId: 'pay-2', kind: 'REFUND', amount: 700, currency: 'EUR' });
      rows.providerCharges.push({
        idempotencyKey: 'again',
        orderId: CONFIRMED,
        status: 'APPROVED',
        amount: 2500,
        refundedAmount: 0,
      });
      rows.stockMovements.push({ sku: 'A', orderId: CONFIRMED, kind: 'COMMIT', delta: 0 });
      expect(rulesOf(findViolations(rows))).toEqual([
        `3 CONFIRMED_WITHOUT_ONE_CAPTURE ${CONFIRMED}`,
        `4 CANCELLED_WITH_NET_CHARGE ${CANCELLED}`,
        `5 CAPTURED_TWICE ${CONFIRMED}`,
        `5 CHARGED_TWICE ${CONFIRMED}`,
        `5 REFUNDED_MORE_THAN_CAPTURED ${CANCELLED}`,
        `5 STOCK_MOVED_TWICE ${CONFIRMED} A COMMIT`,
      ]);
    });

    it('reports a charge, a ledger entry, a reservation and a movement of an order orders does not know, once per order', () => {
      const rows = world();
      rows.ledger.push({ orderId: STRANGER, paymentId: 'pay-x', kind: 'CAPTURE', amount: 1, currency: 'EUR' });
      rows.providerCharges.push({
        idempotencyKey: STRANGER,
        orderId: STRANGER,
        status: 'APPROVED',
        amount: 1,
        refundedAmount: 0,
      });
      rows.reservationOrders.push({ orderId: STRANGER, status: 'REJECTED' });
      rows.stockMovements.push({ sku: 'A', orderId: STRANGER, kind: 'RETURN', delta: 0 });
      expect(rulesOf(findViolations(rows))).toEqual([
        `5 UNKNOWN_ORDER ${STRANGER}`,
        `5 UNKNOWN_ORDER ${STRANGER}`,
        `5 UNKNOWN_ORDER ${STRANGER}`,
        `5 UNKNOWN_ORDER ${STRANGER}`,
      ]);
    });

    it('reports an order whose total is not the sum of its lines', () => {
      const rows = world();
      rows.orders[0].totalAmount = 2600;
      expect(rulesOf(findViolations(rows))).toEqual([
        `3 CONFIRMED_CAPTURE_MISMATCH ${CONFIRMED}`,
        `5 ORDER_TOTAL_MISMATCH ${CONFIRMED}`,
      ]);
    });
  });
});

describe(ordersByStatus.name, () => {
  it('counts orders by status, and how many of them are final', () => {
    expect(ordersByStatus(world().orders)).toEqual({
      CONFIRMED: { total: 1, final: 1 },
      CANCELLED: { total: 1, final: 1 },
      PENDING: { total: 1, final: 0 },
    });
  });
});
