import { isFinal, type AuditRows, type OrderRow } from './audit-rows';

/** PRODUCT.md §4: which invariant a violation breaks (1 terminal, 2 stock, 3 confirmed, 4 cancelled, 5 once). */
export type InvariantNumber = 1 | 2 | 3 | 4 | 5;

export interface Violation {
  invariant: InvariantNumber;
  /** A stable name of the rule, for scripts and tests. */
  rule: string;
  /** The order id or SKU it is about. */
  subject: string;
  detail: string;
}

export interface RuleOptions {
  /** How long past its deadline an order may still be running (recovery time). */
  graceMs: number;
  /** How long an order may stay PENDING at most, whatever its deadline says. */
  pendingMaxAgeMs: number;
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = { graceMs: 60_000, pendingMaxAgeMs: 15 * 60_000 };

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Quantities by SKU. */
function quantitiesBySku(rows: ReadonlyArray<{ sku: string; quantity: number }>): Map<string, number> {
  const bySku = new Map<string, number>();
  for (const r of rows) bySku.set(r.sku, (bySku.get(r.sku) ?? 0) + r.quantity);
  return bySku;
}

const describeQuantities = (bySku: ReadonlyMap<string, number>): string =>
  [...bySku]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sku, q]) => `${sku}×${q}`)
    .join(', ') || 'none';

const sameQuantities = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean =>
  a.size === b.size && [...a].every(([sku, q]) => b.get(sku) === q);

/**
 * Every violation of PRODUCT.md §4's invariants in one snapshot of the three services' rows: a
 * pure function, so its rules are tested on rows written by hand. An empty list means the
 * snapshot is consistent.
 */
export function findViolations(rows: AuditRows, options: RuleOptions = DEFAULT_RULE_OPTIONS): Violation[] {
  const violations: Violation[] = [];
  const add = (invariant: InvariantNumber, rule: string, subject: string, detail: string) =>
    violations.push({ invariant, rule, subject, detail });
  const now = rows.now.getTime();
  const orders = new Map(rows.orders.map((o) => [o.id, o]));
  const linesOf = groupBy(rows.orderLines, (l) => l.orderId);
  const ledgerOf = groupBy(rows.ledger, (l) => l.orderId);
  const reservationsOf = groupBy(rows.reservations, (r) => r.orderId);
  const reservationOrderOf = groupBy(rows.reservationOrders, (r) => r.orderId);
  const chargesOf = groupBy(rows.providerCharges, (c) => c.orderId);

  // 1. every accepted order reaches a terminal status within its deadline plus recovery time
  for (const order of rows.orders) {
    if (isFinal(order)) continue;
    if (order.deadlineAt === null) {
      add(1, 'ORDER_STUCK_WITHOUT_DEADLINE', order.id, `step ${order.step} is not final and has no deadline`);
    } else if (order.deadlineAt.getTime() + options.graceMs < now) {
      const late = Math.round((now - order.deadlineAt.getTime()) / 1000);
      add(
        1,
        'ORDER_PAST_DEADLINE',
        order.id,
        `step ${order.step} is ${late} s past its deadline (grace ${options.graceMs / 1000} s)`,
      );
    }
    if (order.status === 'PENDING' && order.createdAt.getTime() + options.pendingMaxAgeMs < now) {
      const age = Math.round((now - order.createdAt.getTime()) / 1000);
      add(1, 'ORDER_PENDING_TOO_LONG', order.id, `PENDING for ${age} s (at most ${options.pendingMaxAgeMs / 1000} s)`);
    }
  }
  for (const order of rows.orders) {
    const lines = linesOf.get(order.id) ?? [];
    if (lines.length === 0) add(5, 'ORDER_WITHOUT_LINES', order.id, 'the order has no lines');
    const linesTotal = sum(lines.map((l) => l.quantity * l.unitAmount));
    if (lines.length > 0 && linesTotal !== order.totalAmount) {
      add(5, 'ORDER_TOTAL_MISMATCH', order.id, `total ${order.totalAmount} but its lines add up to ${linesTotal}`);
    }
  }

  // 2. stock is never negative; onHand - reserved equals what an audit of reservations says
  const heldBySku = quantitiesBySku(rows.reservations.filter((r) => r.status === 'RESERVED'));
  const movedBySku = new Map<string, number>();
  for (const m of rows.stockMovements) movedBySku.set(m.sku, (movedBySku.get(m.sku) ?? 0) + m.delta);
  const stockSkus = new Set(rows.stock.map((s) => s.sku));
  for (const s of rows.stock) {
    if (s.onHand < 0) add(2, 'STOCK_NEGATIVE', s.sku, `onHand ${s.onHand}`);
    if (s.reserved < 0) add(2, 'STOCK_NEGATIVE', s.sku, `reserved ${s.reserved}`);
    if (s.reserved > s.onHand) add(2, 'STOCK_OVER_RESERVED', s.sku, `reserved ${s.reserved} > onHand ${s.onHand}`);
    const held = heldBySku.get(s.sku) ?? 0;
    if (s.reserved !== held)
      add(2, 'STOCK_RESERVED_MISMATCH', s.sku, `reserved ${s.reserved} but RESERVED reservations hold ${held}`);
    const moved = movedBySku.get(s.sku) ?? 0;
    if (s.onHand !== moved) add(2, 'STOCK_MOVEMENTS_MISMATCH', s.sku, `onHand ${s.onHand} but its movements add up to ${moved}`);
  }
  for (const [sku, held] of heldBySku) {
    if (!stockSkus.has(sku))
      add(2, 'RESERVATION_WITHOUT_STOCK', sku, `RESERVED reservations hold ${held} of a SKU with no stock row`);
  }

  // 5. no effect twice: one capture per order, refunds never above it, one approved provider charge
  for (const [orderId, entries] of ledgerOf) {
    const captures = entries.filter((e) => e.kind === 'CAPTURE');
    const refunded = sum(entries.filter((e) => e.kind === 'REFUND').map((e) => e.amount));
    if (captures.length > 1) add(5, 'CAPTURED_TWICE', orderId, `${captures.length} CAPTURE entries`);
    if (refunded > sum(captures.map((c) => c.amount))) {
      add(5, 'REFUNDED_MORE_THAN_CAPTURED', orderId, `refunded ${refunded}, captured ${sum(captures.map((c) => c.amount))}`);
    }
  }
  for (const [orderId, charges] of chargesOf) {
    const approved = charges.filter((c) => c.status === 'APPROVED');
    if (approved.length > 1) add(5, 'CHARGED_TWICE', orderId, `${approved.length} APPROVED provider charges`);
  }
  for (const [key, moves] of groupBy(
    rows.stockMovements.filter((m) => m.orderId !== null && m.kind !== 'SET'),
    (m) => `${m.orderId ?? ''} ${m.sku} ${m.kind}`,
  )) {
    if (moves.length > 1)
      add(5, 'STOCK_MOVED_TWICE', key, `${moves.length} ${moves[0]?.kind ?? ''} movements of one order and SKU`);
  }

  // 5. effects for orders that orders does not know
  const unknown = (what: string, orderIds: Iterable<string | null>) => {
    for (const id of new Set(orderIds))
      if (id !== null && !orders.has(id)) add(5, 'UNKNOWN_ORDER', id, `${what} of an order orders does not know`);
  };
  unknown(
    'a ledger entry',
    rows.ledger.map((l) => l.orderId),
  );
  unknown(
    'a provider charge',
    rows.providerCharges.map((c) => c.orderId),
  );
  unknown('a reservation', [...rows.reservations.map((r) => r.orderId), ...rows.reservationOrders.map((r) => r.orderId)]);
  unknown(
    'a stock movement',
    rows.stockMovements.map((m) => m.orderId),
  );

  for (const order of rows.orders) {
    if (!isFinal(order)) continue;
    if (order.step === 'CONFIRMED') checkConfirmed(order);
    else checkCancelled(order);
  }

  // 3. a CONFIRMED order has exactly one captured payment and committed stock for every line
  function checkConfirmed(order: OrderRow): void {
    const entries = ledgerOf.get(order.id) ?? [];
    const captures = entries.filter((e) => e.kind === 'CAPTURE');
    const refunds = entries.filter((e) => e.kind === 'REFUND');
    const capture = captures[0];
    if (captures.length !== 1 || !capture) {
      add(3, 'CONFIRMED_WITHOUT_ONE_CAPTURE', order.id, `${captures.length} CAPTURE entries (expected 1)`);
    } else if (capture.amount !== order.totalAmount || capture.currency !== order.currency) {
      add(
        3,
        'CONFIRMED_CAPTURE_MISMATCH',
        order.id,
        `captured ${capture.amount} ${capture.currency}, total ${order.totalAmount} ${order.currency}`,
      );
    }
    if (refunds.length > 0) add(3, 'CONFIRMED_REFUNDED', order.id, `${refunds.length} REFUND entries`);
    const ordered = quantitiesBySku(linesOf.get(order.id) ?? []);
    const reservations = reservationsOf.get(order.id) ?? [];
    const committed = quantitiesBySku(reservations.filter((r) => r.status === 'COMMITTED'));
    if (!sameQuantities(ordered, committed)) {
      add(
        3,
        'CONFIRMED_STOCK_NOT_COMMITTED',
        order.id,
        `lines ${describeQuantities(ordered)}, committed ${describeQuantities(committed)}`,
      );
    }
    const held = reservations.filter((r) => r.status === 'RESERVED');
    if (held.length > 0) add(3, 'CONFIRMED_STOCK_STILL_RESERVED', order.id, `${held.length} reservation line(s) still RESERVED`);
  }

  // 4. a CANCELLED order has no net charge and holds no stock
  function checkCancelled(order: OrderRow): void {
    const entries = ledgerOf.get(order.id) ?? [];
    const net = sum(entries.map((e) => (e.kind === 'CAPTURE' ? e.amount : e.kind === 'REFUND' ? -e.amount : 0)));
    if (net !== 0) add(4, 'CANCELLED_WITH_NET_CHARGE', order.id, `captured minus refunded is ${net}`);
    const providerNet = sum(
      (chargesOf.get(order.id) ?? []).filter((c) => c.status === 'APPROVED').map((c) => c.amount - c.refundedAmount),
    );
    if (providerNet !== 0) add(4, 'CANCELLED_PROVIDER_STILL_CHARGED', order.id, `the provider still holds ${providerNet}`);
    const holding = (reservationsOf.get(order.id) ?? []).filter((r) => r.status === 'RESERVED' || r.status === 'COMMITTED');
    if (holding.length > 0) {
      add(
        4,
        'CANCELLED_HOLDS_STOCK',
        order.id,
        `reservation lines ${holding.map((r) => `${r.sku}×${r.quantity} ${r.status}`).join(', ')}`,
      );
    }
    const header = (reservationOrderOf.get(order.id) ?? []).filter((r) => r.status === 'RESERVED' || r.status === 'COMMITTED');
    if (header.length > 0)
      add(4, 'CANCELLED_HOLDS_STOCK', order.id, `its reservation is ${header.map((r) => r.status).join(', ')}`);
  }

  return violations;
}

/** How many orders are in each public status (and how many of them are final). */
export function ordersByStatus(orders: readonly OrderRow[]): Record<string, { total: number; final: number }> {
  const counts: Record<string, { total: number; final: number }> = {};
  for (const o of orders) {
    const c = (counts[o.status] ??= { total: 0, final: 0 });
    c.total += 1;
    if (isFinal(o)) c.final += 1;
  }
  return counts;
}
