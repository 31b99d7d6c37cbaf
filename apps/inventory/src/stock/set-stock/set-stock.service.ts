import { Injectable } from '@nestjs/common';
import type { Stock } from '@shopmesh/contracts';
import { DataSource } from 'typeorm';
import { sqlOf } from '../../database/sql';
import { toStock } from '../stock.mapper';
import { StockStore } from '../stock.store';

export type SetStockOutcome = { ok: true; stock: Stock } | { ok: false; reason: 'BELOW_RESERVED'; reserved: number };

/** An admin's restock or count: sets `on_hand` of a SKU, never below what orders hold reserved. */
@Injectable()
export class SetStockService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: StockStore,
  ) {}

  async set(sku: string, onHand: number): Promise<SetStockOutcome> {
    const outcome = await this.dataSource.transaction((manager) => this.store.setOnHand(sqlOf(manager), sku, onHand));
    return outcome.ok
      ? { ok: true, stock: toStock(outcome.stock) }
      : { ok: false, reason: 'BELOW_RESERVED', reserved: outcome.reserved };
  }
}
