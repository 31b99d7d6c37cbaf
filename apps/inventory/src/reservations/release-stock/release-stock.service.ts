import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/sql';
import { decideOnce } from '../decide-once';
import { planRelease, settlementOf, type OrderRecord, type ReleaseReason, type StockReply } from '../domain/reservation-rules';
import { ReservationStore } from '../reservation.store';

/**
 * ReleaseStock, and expiry: reserved stock is freed, committed stock goes back on hand (a RETURN
 * in the ledger), and the order is RELEASED with its reason. Applied once per order: see
 * `planRelease` for what a repeated, early or unknown command answers.
 */
@Injectable()
export class ReleaseStockService {
  constructor(private readonly store: ReservationStore) {}

  release(sql: Sql, orderId: string, reason: ReleaseReason): Promise<StockReply> {
    return decideOnce(
      this.store,
      sql,
      orderId,
      (order) => planRelease(order, orderId, reason),
      ({ order }) => this.releaseHeld(sql, [order], reason),
    );
  }

  /** Releases orders that hold stock (locked by the caller), their stock changes applied once per SKU in SKU order. */
  async releaseHeld(sql: Sql, orders: readonly OrderRecord[], reason: ReleaseReason): Promise<void> {
    if (orders.length === 0) return;
    const { changes, movements } = settlementOf('release', orders);
    await this.store.applyChanges(sql, changes);
    await this.store.recordMovements(sql, movements);
    await this.store.settle(
      sql,
      orders.map((o) => o.orderId),
      'RELEASED',
      reason,
    );
  }
}
