import type {
  Address,
  CancellationReason,
  Order,
  OrderHistoryEntry,
  OrderOrigin,
  OrderStatus,
  SagaStep,
} from '@shopmesh/contracts';
import type { SqlRunner } from '../checkout-saga/saga-repository';

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  step: SagaStep;
  cancellation_reason: CancellationReason | null;
  total_amount: string;
  currency: string;
  shipping_address: Address;
  awaiting: string[];
  trace_id: string | null;
  origin: OrderOrigin | null;
  created_at: Date;
  updated_at: Date;
}
interface LineRow {
  order_id: string;
  product_id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_amount: string;
  currency: string;
}
interface HistoryRow {
  order_id: string;
  seq: number;
  status: OrderStatus;
  step: SagaStep;
  reason: CancellationReason | null;
  at: Date;
}

export const ORDER_COLUMNS = `id, user_id, status, step, cancellation_reason, total_amount, currency, shipping_address, awaiting,
  trace_id, origin, created_at, updated_at`;

export type { OrderRow };

/** Orders with their lines and history, in the order of `rows` (two queries, whatever the count). */
export async function ordersOf(sql: SqlRunner, rows: readonly OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const lines = await sql.query<LineRow>(
    `SELECT order_id, product_id, sku, name, quantity, unit_amount, currency FROM order_lines
     WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no`,
    [ids],
  );
  const history = await sql.query<HistoryRow>(
    `SELECT order_id, seq, status, step, reason, at FROM order_history WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, seq`,
    [ids],
  );
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    status: row.status,
    step: row.step,
    items: lines
      .filter((l) => l.order_id === row.id)
      .map((l) => ({
        productId: l.product_id,
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        unitPrice: { amount: Number(l.unit_amount), currency: l.currency },
      })),
    total: { amount: Number(row.total_amount), currency: row.currency },
    shippingAddress: row.shipping_address,
    statusHistory: history.filter((h) => h.order_id === row.id).map(historyEntryOf),
    ...(row.cancellation_reason ? { cancellationReason: row.cancellation_reason } : {}),
    ...(row.origin ? { origin: row.origin } : {}),
    ...(row.trace_id ? { traceId: row.trace_id } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }));
}

export const historyEntryOf = (h: Omit<HistoryRow, 'order_id'>): OrderHistoryEntry => ({
  seq: h.seq,
  status: h.status,
  step: h.step,
  at: h.at.toISOString(),
  ...(h.reason ? { reason: h.reason } : {}),
});
