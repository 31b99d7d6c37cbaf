import type { Sql } from '../database/sql';
import type { OrderRecord, Plan, StockReply } from './domain/reservation-rules';
import type { ReservationStore } from './reservation.store';

/** A plan that changes stock. */
export type SettlingPlan = Extract<Plan, { kind: 'commit' | 'release' }>;

/**
 * Runs a command against the order's record, locked: plans from it, records an unknown order as
 * released, or hands the plan to `settle`. If another transaction recorded the unknown order
 * meanwhile, it plans again from that record.
 */
export async function decideOnce(
  store: ReservationStore,
  sql: Sql,
  orderId: string,
  planOf: (order: OrderRecord | undefined) => Plan,
  settle: (plan: SettlingPlan) => Promise<void>,
): Promise<StockReply> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const plan = planOf(await store.lock(sql, orderId));
    switch (plan.kind) {
      case 'answer':
        return plan.reply;
      case 'record-released':
        if (await store.recordReleased(sql, plan.orderId, plan.reason)) return plan.reply;
        break; // recorded by a concurrent command: decide again from its record
      case 'commit':
      case 'release':
        await settle(plan);
        return plan.reply;
    }
  }
  throw new Error(`order ${orderId}: could neither read nor record it`);
}
