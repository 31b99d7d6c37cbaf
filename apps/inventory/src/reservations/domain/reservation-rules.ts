/**
 * The rules of reservations, free of any framework: how an order's lines are reserved, what a
 * repeated or reordered command answers, and what committing or releasing does to stock. Every
 * command is applied once per order: the first decision is recorded and later commands answer
 * from it.
 */

export const ORDER_STATUSES = ['RESERVED', 'REJECTED', 'COMMITTED', 'RELEASED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type ReleaseReason = 'ORDER_CANCELLED' | 'EXPIRED';

export interface Line {
  sku: string;
  quantity: number;
}

/** What inventory recorded of one order. */
export interface OrderRecord {
  orderId: string;
  status: OrderStatus;
  expiresAt: Date;
  releaseReason: ReleaseReason | null;
  /** For a REJECTED order: the SKUs that could not be reserved. */
  unavailableSkus: readonly string[];
  /** Its reserved lines, sorted by SKU (none for a REJECTED order or one released before it was reserved). */
  lines: readonly Line[];
}

/** What inventory answers to a command (one of the `inventory.events`). */
export type StockReply =
  | { kind: 'reserved'; orderId: string; lines: readonly Line[]; expiresAt: Date }
  | { kind: 'rejected'; orderId: string; unavailableSkus: readonly string[] }
  | { kind: 'committed'; orderId: string }
  | { kind: 'released'; orderId: string; reason: ReleaseReason };

/** The one order stock rows are locked in, by every writer, so that no two transactions deadlock. */
export const bySku = (a: { sku: string }, b: { sku: string }): number => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

/** The lines to reserve: one per SKU (repeated SKUs add up), sorted by SKU. */
export function reservationLinesOf(items: readonly Line[]): Line[] {
  const bySkuTotal = new Map<string, number>();
  for (const { sku, quantity } of items) {
    if (!Number.isInteger(quantity) || quantity <= 0) throw new RangeError(`quantity of ${sku} must be a positive integer`);
    bySkuTotal.set(sku, (bySkuTotal.get(sku) ?? 0) + quantity);
  }
  return [...bySkuTotal].map(([sku, quantity]) => ({ sku, quantity })).sort(bySku);
}

/**
 * The answer to a ReserveStock for an order decided already: the same StockReserved (lines and
 * `expiresAt` as first reserved) while it holds or has sold its stock, the same StockRejected, and
 * for a released order StockReleased: it holds nothing and is not reserved again.
 */
export function answerToReserveAgain(order: OrderRecord): StockReply {
  const { orderId } = order;
  switch (order.status) {
    case 'RESERVED':
    case 'COMMITTED':
      return { kind: 'reserved', orderId, lines: order.lines, expiresAt: order.expiresAt };
    case 'REJECTED':
      return { kind: 'rejected', orderId, unavailableSkus: order.unavailableSkus };
    case 'RELEASED':
      return { kind: 'released', orderId, reason: order.releaseReason ?? 'ORDER_CANCELLED' };
  }
}

/** What a command does: change stock and the order, record an order that was unknown, or only answer. */
export type Plan =
  | { kind: 'commit'; order: OrderRecord; reply: StockReply }
  | { kind: 'release'; order: OrderRecord; reason: ReleaseReason; reply: StockReply }
  | { kind: 'record-released'; orderId: string; reason: ReleaseReason; reply: StockReply }
  | { kind: 'answer'; reply: StockReply };

/**
 * CommitStock: a reservation becomes a sale (also one past `expiresAt` the sweeper has not released
 * yet: its stock is still held). A committed order answers StockCommitted again. An order that holds
 * nothing (released, rejected, unknown) answers StockReleased, so orders compensates; an unknown one
 * is recorded released, so that a ReserveStock arriving later reserves nothing.
 */
export function planCommit(order: OrderRecord | undefined, orderId: string): Plan {
  if (!order) return { kind: 'record-released', orderId, reason: 'EXPIRED', reply: released(orderId, 'EXPIRED') };
  switch (order.status) {
    case 'RESERVED':
      return { kind: 'commit', order, reply: { kind: 'committed', orderId } };
    case 'COMMITTED':
      return { kind: 'answer', reply: { kind: 'committed', orderId } };
    case 'RELEASED':
      return { kind: 'answer', reply: released(orderId, order.releaseReason ?? 'EXPIRED') };
    case 'REJECTED':
      return { kind: 'answer', reply: released(orderId, 'EXPIRED') };
  }
}

/**
 * ReleaseStock (and expiry): reserved stock is freed, committed stock goes back on hand. An order
 * released already answers with the reason recorded the first time; a rejected one holds nothing
 * and stays rejected; an unknown one is recorded released, so that a ReserveStock arriving later
 * reserves nothing. Every case answers StockReleased.
 */
export function planRelease(order: OrderRecord | undefined, orderId: string, reason: ReleaseReason): Plan {
  if (!order) return { kind: 'record-released', orderId, reason, reply: released(orderId, reason) };
  switch (order.status) {
    case 'RESERVED':
    case 'COMMITTED':
      return { kind: 'release', order, reason, reply: released(orderId, reason) };
    case 'RELEASED':
      return { kind: 'answer', reply: released(orderId, order.releaseReason ?? reason) };
    case 'REJECTED':
      return { kind: 'answer', reply: released(orderId, reason) };
  }
}

const released = (orderId: string, reason: ReleaseReason): StockReply => ({ kind: 'released', orderId, reason });

/** A change of one stock row: added to `on_hand` and to `reserved`. */
export interface StockChange {
  sku: string;
  onHandDelta: number;
  reservedDelta: number;
}

/** A change of `on_hand` caused by an order, as the ledger records it. */
export interface OrderMovement {
  orderId: string;
  sku: string;
  kind: 'COMMIT' | 'RETURN';
  delta: number;
}

/** What settling orders (committing or releasing them) does to stock and to the ledger. */
export interface Settlement {
  /** One per SKU, sorted by SKU (the lock order). */
  changes: StockChange[];
  movements: OrderMovement[];
}

/**
 * The stock changes of committing (`commit`) or releasing (`release`) orders, several at once for
 * the sweeper: committing takes each line off `on_hand` and `reserved`; releasing a reserved order
 * frees `reserved`, releasing a committed one puts its lines back on hand.
 */
export function settlementOf(action: 'commit' | 'release', orders: readonly OrderRecord[]): Settlement {
  const changes = new Map<string, StockChange>();
  const movements: OrderMovement[] = [];
  const add = (sku: string, onHandDelta: number, reservedDelta: number) => {
    const change = changes.get(sku) ?? { sku, onHandDelta: 0, reservedDelta: 0 };
    change.onHandDelta += onHandDelta;
    change.reservedDelta += reservedDelta;
    changes.set(sku, change);
  };
  for (const order of orders) {
    if (action === 'commit' && order.status !== 'RESERVED')
      throw new Error(`order ${order.orderId} is ${order.status}, not RESERVED`);
    if (action === 'release' && order.status !== 'RESERVED' && order.status !== 'COMMITTED')
      throw new Error(`order ${order.orderId} is ${order.status}: it holds no stock to release`);
    for (const { sku, quantity } of order.lines) {
      if (action === 'commit') {
        add(sku, -quantity, -quantity);
        movements.push({ orderId: order.orderId, sku, kind: 'COMMIT', delta: -quantity });
      } else if (order.status === 'RESERVED') {
        add(sku, 0, -quantity);
      } else {
        add(sku, quantity, 0);
        movements.push({ orderId: order.orderId, sku, kind: 'RETURN', delta: quantity });
      }
    }
  }
  return {
    changes: [...changes.values()].filter((c) => c.onHandDelta !== 0 || c.reservedDelta !== 0).sort(bySku),
    movements,
  };
}
