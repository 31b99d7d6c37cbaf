import { Injectable } from '@nestjs/common';
import type { Stock } from '@shopmesh/contracts';
import { DataSource } from 'typeorm';
import { sqlOf } from '../../database/sql';
import { toStock } from '../stock.mapper';
import { StockStore } from '../stock.store';

/** The stock of one SKU, or undefined if inventory has no row for it. */
@Injectable()
export class GetStockService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: StockStore,
  ) {}

  async get(sku: string): Promise<Stock | undefined> {
    const row = await this.store.find(sqlOf(this.dataSource.manager), sku);
    return row && toStock(row);
  }
}
