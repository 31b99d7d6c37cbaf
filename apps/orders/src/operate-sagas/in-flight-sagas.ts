import type { SagaList, SagaSummary } from '@shopmesh/contracts';
import type { DataSource } from 'typeorm';

/** Past its deadline by this much, a saga the deadline scanner should have moved is stuck. */
const OVERDUE_GRACE_MS = 10_000;

interface Row {
  id: string;
  user_id: string;
  status: SagaSummary['status'];
  step: SagaSummary['step'];
  cancellation_reason: SagaSummary['reason'];
  awaiting: SagaSummary['awaiting'];
  deadline_at: Date | null;
  created_at: Date;
  updated_at: Date;
  in_flight_ms: number;
  overdue_ms: number | null;
}

const stuckBecause = (row: Row, stuckAfterMs: number): string | null => {
  if (row.overdue_ms !== null && row.overdue_ms > OVERDUE_GRACE_MS)
    return `past its deadline by ${Math.round(row.overdue_ms / 1000)} s`;
  if (row.in_flight_ms <= stuckAfterMs) return null;
  const age = `in flight for ${Math.round(row.in_flight_ms / 1000)} s`;
  return row.awaiting.length > 0 ? `${age}, ${row.awaiting.join(' and ')} compensation unacknowledged` : `${age} in ${row.step}`;
};

/**
 * Sagas still in flight (a deadline set: waiting for a reply or an acknowledgement), oldest first,
 * each marked stuck when in flight longer than `stuckAfterMs` or past its deadline by more than a
 * few scans. Reads the deadline index, never the whole table.
 */
export async function inFlightSagas(dataSource: DataSource, stuckAfterMs: number, limit: number): Promise<SagaList> {
  const rows = await dataSource.query<Row[]>(
    `SELECT id, user_id, status, step, cancellation_reason, awaiting, deadline_at, created_at, updated_at,
            (EXTRACT(EPOCH FROM clock_timestamp() - created_at) * 1000)::float8 AS in_flight_ms,
            (EXTRACT(EPOCH FROM clock_timestamp() - deadline_at) * 1000)::float8 AS overdue_ms
       FROM orders WHERE deadline_at IS NOT NULL ORDER BY created_at LIMIT $1`,
    [limit],
  );
  const [count] = await dataSource.query<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM orders WHERE deadline_at IS NOT NULL`,
  );
  const sagas = rows.map((row): SagaSummary => {
    const because = stuckBecause(row, stuckAfterMs);
    return {
      orderId: row.id,
      userId: row.user_id,
      status: row.status,
      step: row.step,
      reason: row.cancellation_reason,
      awaiting: row.awaiting,
      deadlineAt: row.deadline_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      stuck: because !== null,
      stuckBecause: because,
    };
  });
  return { sagas, stuckAfterMs, inFlight: count?.n ?? sagas.length, stuck: sagas.filter((s) => s.stuck).length };
}
