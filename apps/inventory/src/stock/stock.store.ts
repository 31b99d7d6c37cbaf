import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/sql';

/** A stock row as stored. */
export interface StockRow {
  sku: string;
  on_hand: number;
  reserved: number;
  updated_at: Date;
}

export type SetOnHandOutcome = { ok: true; stock: StockRow; delta: number } | { ok: false; reserved: number };

const COLUMNS = 'sku, on_hand, reserved, updated_at';

/** Stock rows and the ledger of their `on_hand`, in SQL (always in the caller's transaction). */
@Injectable()
export class StockStore {
  async find(sql: Sql, sku: string): Promise<StockRow | undefined> {
    const [row] = await sql.query<StockRow>(`SELECT ${COLUMNS} FROM stock WHERE sku = $1`, [sku]);
    return row;
  }

  /**
   * Sets `on_hand` (a restock or a count), creating the row if it is missing, unless it would fall
   * below what is reserved; records the difference in the ledger. The row is locked first, so the
   * recorded difference is exact however many admins and orders write at once.
   */
  async setOnHand(sql: Sql, sku: string, onHand: number): Promise<SetOnHandOutcome> {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [current] = await sql.query<StockRow>(`SELECT ${COLUMNS} FROM stock WHERE sku = $1 FOR UPDATE`, [sku]);
      if (!current) {
        const [created] = await sql.query<StockRow>(
          `INSERT INTO stock (sku, on_hand, reserved, updated_at) VALUES ($1, $2, 0, now())
           ON CONFLICT (sku) DO NOTHING RETURNING ${COLUMNS}`,
          [sku, onHand],
        );
        if (!created) continue; // created meanwhile (catalog's ProductCreated): set it as it is now
        await this.recordSet(sql, sku, onHand);
        return { ok: true, stock: created, delta: onHand };
      }
      const [updated] = await sql.query<StockRow>(
        `WITH updated AS (
           UPDATE stock SET on_hand = $2, updated_at = now() WHERE sku = $1 AND reserved <= $2 RETURNING ${COLUMNS}
         ) SELECT ${COLUMNS} FROM updated`,
        [sku, onHand],
      );
      if (!updated) return { ok: false, reserved: current.reserved };
      const delta = onHand - current.on_hand;
      await this.recordSet(sql, sku, delta);
      return { ok: true, stock: updated, delta };
    }
    throw new Error(`stock of ${sku}: could neither read nor create it`);
  }

  /** A product catalog created: a row at 0 if the SKU has none; an existing row keeps its stock. */
  async trackProduct(sql: Sql, sku: string, productId: string): Promise<void> {
    await sql.query(
      `INSERT INTO stock (sku, product_id, on_hand, reserved, updated_at) VALUES ($1, $2, 0, 0, now())
       ON CONFLICT (sku) DO UPDATE SET product_id = EXCLUDED.product_id`,
      [sku, productId],
    );
  }

  /**
   * Gives SKUs their initial stock where they have none: a new row, or one at 0 on hand, gets the
   * quantity (and a SET in the ledger); any other row is left as it is. Returns the SKUs stocked.
   */
  async stockWhereEmpty(sql: Sql, items: ReadonlyArray<{ sku: string; productId: string; onHand: number }>): Promise<string[]> {
    const sorted = [...items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    const rows = await sql.query<{ sku: string }>(
      `WITH stocked AS (
         INSERT INTO stock (sku, product_id, on_hand, reserved, updated_at)
         SELECT sku, product_id, on_hand, 0, now() FROM unnest($1::text[], $2::uuid[], $3::int[]) AS d(sku, product_id, on_hand)
         ON CONFLICT (sku) DO UPDATE
           SET on_hand = EXCLUDED.on_hand, product_id = COALESCE(stock.product_id, EXCLUDED.product_id), updated_at = now()
           WHERE stock.on_hand = 0
         RETURNING sku, on_hand
       )
       INSERT INTO stock_movements (sku, kind, delta) SELECT sku, 'SET', on_hand FROM stocked WHERE on_hand <> 0 RETURNING sku`,
      [sorted.map((i) => i.sku), sorted.map((i) => i.productId), sorted.map((i) => i.onHand)],
    );
    return rows.map((r) => r.sku);
  }

  private async recordSet(sql: Sql, sku: string, delta: number): Promise<void> {
    if (delta === 0) return;
    await sql.query(`INSERT INTO stock_movements (sku, kind, delta) VALUES ($1, 'SET', $2)`, [sku, delta]);
  }
}
