import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/sql';
import type { Line, OrderMovement, OrderRecord, OrderStatus, ReleaseReason, StockChange } from './domain/reservation-rules';

interface OrderRow {
  order_id: string;
  status: OrderStatus;
  expires_at: Date;
  release_reason: ReleaseReason | null;
  unavailable_skus: string[] | null;
}

/**
 * Orders' reservations in SQL, always in the caller's transaction. Every statement that touches
 * stock is conditional on the row as it is when locked, so concurrent writers can never oversell;
 * stock rows are locked in SKU order by every writer (no deadlocks). An UPDATE whose rows are read
 * is wrapped in a CTE: TypeORM answers a bare UPDATE with `[rows, count]`, a SELECT with its rows.
 */
@Injectable()
export class ReservationStore {
  /** Records the order as RESERVED if it is new; false if it was recorded already (by a committed transaction). */
  async claim(sql: Sql, orderId: string, expiresAt: Date): Promise<boolean> {
    const rows = await sql.query(
      `INSERT INTO reservation_orders (order_id, status, expires_at) VALUES ($1, 'RESERVED', $2)
       ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [orderId, expiresAt],
    );
    return rows.length === 1;
  }

  /** Records an order inventory never reserved for as RELEASED; false if it was recorded meanwhile. */
  async recordReleased(sql: Sql, orderId: string, reason: ReleaseReason): Promise<boolean> {
    const rows = await sql.query(
      `INSERT INTO reservation_orders (order_id, status, expires_at, release_reason) VALUES ($1, 'RELEASED', now(), $2)
       ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [orderId, reason],
    );
    return rows.length === 1;
  }

  /** The order and its lines, its row locked until the transaction ends. */
  async lock(sql: Sql, orderId: string): Promise<OrderRecord | undefined> {
    const rows = await sql.query<OrderRow>(
      `SELECT order_id, status, expires_at, release_reason, unavailable_skus FROM reservation_orders WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    const [order] = await this.withLines(sql, rows);
    return order;
  }

  /**
   * Up to `limit` orders still RESERVED past their `expires_at`, oldest first, locked; rows another
   * transaction holds are skipped, so several sweepers never take the same order.
   */
  async lockExpired(sql: Sql, limit: number): Promise<OrderRecord[]> {
    const rows = await sql.query<OrderRow>(
      `SELECT order_id, status, expires_at, release_reason, unavailable_skus FROM reservation_orders
       WHERE status = 'RESERVED' AND expires_at < now()
       ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return this.withLines(sql, rows);
  }

  /** Adds `quantity` to the SKU's `reserved` if that much is available; false otherwise (unknown SKU included). */
  async reserveLine(sql: Sql, { sku, quantity }: Line): Promise<boolean> {
    const rows = await sql.query(
      `WITH reserved AS (
         UPDATE stock SET reserved = reserved + $2, updated_at = now() WHERE sku = $1 AND on_hand - reserved >= $2 RETURNING sku
       ) SELECT sku FROM reserved`,
      [sku, quantity],
    );
    return rows.length === 1;
  }

  async addLines(sql: Sql, orderId: string, lines: readonly Line[]): Promise<void> {
    await sql.query(
      `INSERT INTO reservations (order_id, sku, quantity, status)
       SELECT $1, sku, quantity, 'RESERVED' FROM unnest($2::text[], $3::int[]) AS l(sku, quantity)`,
      [orderId, lines.map((l) => l.sku), lines.map((l) => l.quantity)],
    );
  }

  async markRejected(sql: Sql, orderId: string, unavailableSkus: readonly string[]): Promise<void> {
    await sql.query(
      `UPDATE reservation_orders SET status = 'REJECTED', unavailable_skus = $2, updated_at = now() WHERE order_id = $1`,
      [orderId, unavailableSkus],
    );
  }

  /**
   * Applies stock changes (sorted by SKU: the lock order). Each is conditional on the row keeping
   * `0 <= reserved <= on_hand`; a change that would break it means the records disagree, and fails
   * the transaction rather than be forced.
   */
  async applyChanges(sql: Sql, changes: readonly StockChange[]): Promise<void> {
    for (const { sku, onHandDelta, reservedDelta } of changes) {
      const rows = await sql.query(
        `WITH changed AS (
           UPDATE stock SET on_hand = on_hand + $2, reserved = reserved + $3, updated_at = now()
           WHERE sku = $1 AND reserved + $3 >= 0 AND on_hand + $2 >= reserved + $3 RETURNING sku
         ) SELECT sku FROM changed`,
        [sku, onHandDelta, reservedDelta],
      );
      if (rows.length !== 1)
        throw new Error(`stock of ${sku} cannot take on_hand ${onHandDelta}, reserved ${reservedDelta}: records disagree`);
    }
  }

  /** Appends to the ledger; an order's movement recorded twice is a unique violation (fails the transaction). */
  async recordMovements(sql: Sql, movements: readonly OrderMovement[]): Promise<void> {
    if (movements.length === 0) return;
    await sql.query(
      `INSERT INTO stock_movements (sku, order_id, kind, delta)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[])`,
      [movements.map((m) => m.sku), movements.map((m) => m.orderId), movements.map((m) => m.kind), movements.map((m) => m.delta)],
    );
  }

  /** Moves orders and their lines to COMMITTED or RELEASED (with the reason). */
  async settle(sql: Sql, orderIds: readonly string[], status: 'COMMITTED' | 'RELEASED', reason?: ReleaseReason): Promise<void> {
    await sql.query(
      `UPDATE reservation_orders SET status = $2, release_reason = $3, updated_at = now() WHERE order_id = ANY($1::uuid[])`,
      [orderIds, status, status === 'RELEASED' ? (reason ?? 'ORDER_CANCELLED') : null],
    );
    await sql.query(`UPDATE reservations SET status = $2 WHERE order_id = ANY($1::uuid[])`, [orderIds, status]);
  }

  private async withLines(sql: Sql, rows: readonly OrderRow[]): Promise<OrderRecord[]> {
    if (rows.length === 0) return [];
    const lines = await sql.query<{ order_id: string; sku: string; quantity: number }>(
      `SELECT order_id, sku, quantity FROM reservations WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, sku COLLATE "C"`,
      [rows.map((r) => r.order_id)],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      status: r.status,
      expiresAt: r.expires_at,
      releaseReason: r.release_reason,
      unavailableSkus: r.unavailable_skus ?? [],
      lines: lines.filter((l) => l.order_id === r.order_id).map(({ sku, quantity }) => ({ sku, quantity })),
    }));
  }
}
