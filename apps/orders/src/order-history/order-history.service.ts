import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Actor, OrderHistory, OrderHistoryEntry } from '@shopmesh/contracts';
import { DataSource } from 'typeorm';
import type { SagaStep } from '@shopmesh/contracts';
import { isFinal, type Compensation } from '../checkout-saga/saga';
import { historyEntryOf } from '../view-orders/order-reader';
import { orderNotFound, ownerFilter } from '../view-orders/view-orders.service';
import { HistoryListener } from './history-listener';

interface HistoryRequest {
  id: string;
  after: number;
  waitMs: number;
}

/**
 * An order's history after an entry (the SSE stream of the gateway reads it), waiting up to
 * `waitMs` for a new entry if there is none yet. Works across instances: the entries are in the
 * database, the NOTIFY only says when to read again.
 */
@Injectable()
export class OrderHistoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly listener: HistoryListener,
  ) {}

  async history(actor: Actor, { id, after, waitMs }: HistoryRequest): Promise<OrderHistory> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const remaining = deadline - Date.now();
      // listen before reading, so a change committed between the read and the wait still wakes us
      const wait = remaining > 0 ? this.listener.waitForChange(id, remaining) : undefined;
      const answer = await this.read(actor, id, after).catch((error: unknown) => {
        wait?.cancel();
        throw error;
      });
      if (answer.entries.length > 0 || answer.final || !wait) {
        wait?.cancel();
        return answer;
      }
      await wait.changed;
      if (Date.now() >= deadline) return this.read(actor, id, after);
    }
  }

  private async read(actor: Actor, id: string, after: number): Promise<OrderHistory> {
    const [order] = await this.dataSource.query<{ step: SagaStep; awaiting: Compensation[] }[]>(
      `SELECT step, awaiting FROM orders WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2)`,
      [id, ownerFilter(actor)],
    );
    if (!order) throw orderNotFound(id);
    const rows = await this.dataSource.query<Parameters<typeof historyEntryOf>[0][]>(
      `SELECT seq, status, step, reason, at FROM order_history WHERE order_id = $1 AND seq > $2 ORDER BY seq`,
      [id, after],
    );
    const entries: OrderHistoryEntry[] = rows.map(historyEntryOf);
    return { entries, final: isFinal(order) };
  }
}
