import { Client, type ClientConfig } from 'pg';
import type { AuditRows } from './audit-rows';

/** Where each service's database is: one server, three databases (each service owns its own). */
export interface AuditConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  databases: { orders: string; inventory: string; payments: string };
}

const int = (value: unknown, column: string): number => {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`${column}: expected an integer, got ${String(value)}`);
  return n;
};

async function withClient<T>(config: ClientConfig, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...config, application_name: 'shopmesh-invariants' });
  await client.connect();
  try {
    // one consistent snapshot of this database (the three databases are read one after the other)
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } finally {
    await client.end();
  }
}

type Row = Record<string, unknown>;

/** Text columns (uuids read as `::text`): a value of another type is a schema the auditor does not know. */
const str = (value: unknown): string => {
  if (typeof value !== 'string') throw new Error(`expected a text column, got ${typeof value}`);
  return value;
};
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : str(value));
const rowsOf = async (client: Client, sql: string): Promise<Row[]> => (await client.query<Row>(sql)).rows;

/**
 * Reads the rows of the audit from the three databases. Payments and inventory are read before
 * orders: an effect is then never seen without the order that caused it (orders writes the order
 * before it sends any command), and an order whose saga moves meanwhile is at worst seen earlier.
 */
export async function readAuditRows(conn: AuditConnection): Promise<AuditRows> {
  const server = { host: conn.host, port: conn.port, user: conn.user, password: conn.password };
  const payments = await withClient({ ...server, database: conn.databases.payments }, async (c) => ({
    ledger: (await rowsOf(c, 'SELECT order_id::text, payment_id::text, kind, amount, currency FROM ledger')).map((r) => ({
      orderId: str(r.order_id),
      paymentId: str(r.payment_id),
      kind: str(r.kind),
      amount: int(r.amount, 'ledger.amount'),
      currency: str(r.currency),
    })),
    providerCharges: (
      await rowsOf(c, 'SELECT idempotency_key, order_id::text, status, amount, refunded_amount FROM provider_charges')
    ).map((r) => ({
      idempotencyKey: str(r.idempotency_key),
      orderId: str(r.order_id),
      status: str(r.status),
      amount: int(r.amount, 'provider_charges.amount'),
      refundedAmount: int(r.refunded_amount ?? 0, 'provider_charges.refunded_amount'),
    })),
  }));
  const inventory = await withClient({ ...server, database: conn.databases.inventory }, async (c) => ({
    stock: (await rowsOf(c, 'SELECT sku, on_hand, reserved FROM stock')).map((r) => ({
      sku: str(r.sku),
      onHand: int(r.on_hand, 'stock.on_hand'),
      reserved: int(r.reserved, 'stock.reserved'),
    })),
    reservationOrders: (await rowsOf(c, 'SELECT order_id::text, status FROM reservation_orders')).map((r) => ({
      orderId: str(r.order_id),
      status: str(r.status),
    })),
    reservations: (await rowsOf(c, 'SELECT order_id::text, sku, quantity, status FROM reservations')).map((r) => ({
      orderId: str(r.order_id),
      sku: str(r.sku),
      quantity: int(r.quantity, 'reservations.quantity'),
      status: str(r.status),
    })),
    stockMovements: (await rowsOf(c, 'SELECT sku, order_id::text, kind, delta FROM stock_movements')).map((r) => ({
      sku: str(r.sku),
      orderId: strOrNull(r.order_id),
      kind: str(r.kind),
      delta: int(r.delta, 'stock_movements.delta'),
    })),
  }));
  const orders = await withClient({ ...server, database: conn.databases.orders }, async (c) => ({
    now: (await rowsOf(c, 'SELECT now() AS now'))[0]?.now as Date,
    orders: (
      await rowsOf(
        c,
        'SELECT id::text, user_id::text, status, step, cancellation_reason, total_amount, currency, deadline_at, created_at FROM orders',
      )
    ).map((r) => ({
      id: str(r.id),
      userId: str(r.user_id),
      status: str(r.status),
      step: str(r.step),
      cancellationReason: strOrNull(r.cancellation_reason),
      totalAmount: int(r.total_amount, 'orders.total_amount'),
      currency: str(r.currency),
      deadlineAt: (r.deadline_at as Date | null) ?? null,
      createdAt: r.created_at as Date,
    })),
    orderLines: (
      await rowsOf(c, 'SELECT order_id::text, line_no, product_id::text, sku, quantity, unit_amount, currency FROM order_lines')
    ).map((r) => ({
      orderId: str(r.order_id),
      lineNo: int(r.line_no, 'order_lines.line_no'),
      productId: str(r.product_id),
      sku: str(r.sku),
      quantity: int(r.quantity, 'order_lines.quantity'),
      unitAmount: int(r.unit_amount, 'order_lines.unit_amount'),
      currency: str(r.currency),
    })),
  }));
  return { ...orders, ...inventory, ...payments };
}
