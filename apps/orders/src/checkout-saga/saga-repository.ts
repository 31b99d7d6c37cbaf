import type { CancellationReason, OrderStatus, SagaStep } from '@shopmesh/contracts';
import type { Compensation, HistoryEntry, Saga } from './saga';

/** What the saga's SQL runs on: the transaction of the change (a consumer's, the scanner's, a request's). */
export interface SqlRunner {
  query<T = unknown>(sql: string, parameters?: readonly unknown[]): Promise<T[]>;
}

/** Channel of the NOTIFY sent with every history entry (payload: the order id). */
export const ORDER_HISTORY_CHANNEL = 'order_history';

interface SagaRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  step: SagaStep;
  cancellation_reason: CancellationReason | null;
  total_amount: string;
  currency: string;
  payment_token: string;
  payment_id: string | null;
  deadline_at: Date | null;
  awaiting: Compensation[];
  compensations_requested: Compensation[];
  correlation_id: string;
  version: number;
  created_at: Date;
}

/** A saga as stored, with what its next write must check. */
export interface StoredSaga {
  saga: Saga;
  version: number;
  correlationId: string;
}

const SAGA_COLUMNS = `id, user_id, status, step, cancellation_reason, total_amount, currency, payment_token, payment_id,
  deadline_at, awaiting, compensations_requested, correlation_id, version, created_at`;

const toStored = (row: SagaRow): StoredSaga => ({
  saga: {
    orderId: row.id,
    userId: row.user_id,
    status: row.status,
    step: row.step,
    reason: row.cancellation_reason,
    total: { amount: Number(row.total_amount), currency: row.currency },
    paymentToken: row.payment_token,
    paymentId: row.payment_id,
    awaiting: row.awaiting,
    requested: row.compensations_requested,
    deadlineAt: row.deadline_at,
    createdAt: row.created_at,
  },
  version: row.version,
  correlationId: row.correlation_id,
});

/** The order's saga, its row locked until the transaction ends (serialises replies, deadlines and cancels). */
export async function lockSaga(sql: SqlRunner, orderId: string): Promise<StoredSaga | undefined> {
  const [row] = await sql.query<SagaRow>(`SELECT ${SAGA_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [orderId]);
  return row && toStored(row);
}

/**
 * Up to `limit` sagas past their deadline, locked; rows another instance holds are skipped, so
 * several scanners never take the same saga.
 */
export async function lockOverdueSagas(sql: SqlRunner, limit: number): Promise<StoredSaga[]> {
  const rows = await sql.query<SagaRow>(
    `SELECT ${SAGA_COLUMNS} FROM orders WHERE deadline_at <= now() ORDER BY deadline_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map(toStored);
}

/** Writes the saga's new state if it is still at `version` (it is: the row is locked; the check is the backstop). */
export async function saveSaga(sql: SqlRunner, saga: Saga, version: number): Promise<void> {
  const [result] = await sql.query<{ n: number }>(
    `WITH changed AS (
       UPDATE orders SET status = $3, step = $4, cancellation_reason = $5, payment_id = $6, deadline_at = $7,
         awaiting = $8::text[], compensations_requested = $9::text[], version = version + 1, updated_at = now()
       WHERE id = $1 AND version = $2
       RETURNING 1)
     SELECT count(*)::int AS n FROM changed`,
    [
      saga.orderId,
      version,
      saga.status,
      saga.step,
      saga.reason,
      saga.paymentId,
      saga.deadlineAt,
      [...saga.awaiting],
      [...saga.requested],
    ],
  );
  if (result?.n !== 1) throw new Error(`order ${saga.orderId} changed under its lock (version ${version})`);
}

/** Appends history entries (seq 1, 2, … per order, under the order's lock) and wakes the order's listeners. */
export async function appendHistory(sql: SqlRunner, orderId: string, entries: readonly HistoryEntry[]): Promise<void> {
  for (const entry of entries) {
    await sql.query(
      `INSERT INTO order_history (order_id, seq, status, step, reason, at)
       SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, now() FROM order_history WHERE order_id = $1`,
      [orderId, entry.status, entry.step, entry.reason],
    );
  }
  if (entries.length > 0) await sql.query(`SELECT pg_notify($1, $2)`, [ORDER_HISTORY_CHANNEL, orderId]);
}
