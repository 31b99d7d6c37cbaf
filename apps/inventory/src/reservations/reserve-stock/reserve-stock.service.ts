import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/sql';
import { answerToReserveAgain, reservationLinesOf, type Line, type StockReply } from '../domain/reservation-rules';
import { ReservationStore } from '../reservation.store';

export interface ReserveStockCommand {
  orderId: string;
  items: readonly Line[];
  expiresAt: Date;
}

/**
 * ReserveStock: every line of the order or none. The order is claimed first (one decision per
 * order: a second command answers the first decision); then each line, in SKU order, is reserved
 * by a conditional update that only succeeds if that much is available, so concurrent orders can
 * never oversell. If any line fails, a savepoint undoes the others and the order is recorded REJECTED.
 */
@Injectable()
export class ReserveStockService {
  constructor(private readonly store: ReservationStore) {}

  async reserve(sql: Sql, { orderId, items, expiresAt }: ReserveStockCommand): Promise<StockReply> {
    if (!(await this.store.claim(sql, orderId, expiresAt))) {
      const order = await this.store.lock(sql, orderId);
      if (!order) throw new Error(`order ${orderId} was claimed but cannot be read`);
      return answerToReserveAgain(order);
    }
    const lines = reservationLinesOf(items);
    await sql.query('SAVEPOINT reserve_lines');
    const unavailableSkus: string[] = [];
    for (const line of lines) {
      if (!(await this.store.reserveLine(sql, line))) unavailableSkus.push(line.sku);
    }
    if (unavailableSkus.length > 0) {
      await sql.query('ROLLBACK TO SAVEPOINT reserve_lines');
      await this.store.markRejected(sql, orderId, unavailableSkus);
      return { kind: 'rejected', orderId, unavailableSkus };
    }
    await sql.query('RELEASE SAVEPOINT reserve_lines');
    await this.store.addLines(sql, orderId, lines);
    return { kind: 'reserved', orderId, lines, expiresAt };
  }
}
