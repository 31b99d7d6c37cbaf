import { DynamicModule, Module } from '@nestjs/common';
import { CatalogEventsConsumer, type CatalogConsumerOptions } from './track-catalog/catalog-events.consumer';
import { GetStockService } from './get-stock/get-stock.service';
import { SetStockService } from './set-stock/set-stock.service';
import { StockRpcController } from './stock.rpc.controller';
import { StockStore } from './stock.store';
import { STOCK_OPTIONS } from './stock.tokens';

export interface StockModuleOptions {
  catalog: CatalogConsumerOptions;
}

/** Stock per SKU: the admin RPCs and the consumer giving each new catalog product a row. */
@Module({})
export class StockModule {
  static register(options: StockModuleOptions): DynamicModule {
    return {
      module: StockModule,
      controllers: [StockRpcController],
      providers: [
        { provide: STOCK_OPTIONS, useValue: options },
        StockStore,
        GetStockService,
        SetStockService,
        CatalogEventsConsumer,
      ],
    };
  }
}
