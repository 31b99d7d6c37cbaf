import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/sql';
import { decideOnce } from '../decide-once';
import { planCommit, settlementOf, type StockReply } from '../domain/reservation-rules';
import { ReservationStore } from '../reservation.store';

/**
 * CommitStock: the order's reservation becomes a sale (`on_hand` and `reserved` go down, the
 * ledger records a COMMIT per line). Applied once per order: see `planCommit` for what a repeated,
 * late or unknown command answers.
 */
@Injectable()
export class CommitStockService {
  constructor(private readonly store: ReservationStore) {}

  commit(sql: Sql, orderId: string): Promise<StockReply> {
    return decideOnce(
      this.store,
      sql,
      orderId,
      (order) => planCommit(order, orderId),
      async ({ order }) => {
        const { changes, movements } = settlementOf('commit', [order]);
        await this.store.applyChanges(sql, changes);
        await this.store.recordMovements(sql, movements);
        await this.store.settle(sql, [order.orderId], 'COMMITTED');
      },
    );
  }
}
