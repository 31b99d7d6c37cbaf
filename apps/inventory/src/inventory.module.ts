import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import { inventorySchema } from './database/inventory.data-source';
import type { InventoryConfig } from './inventory.config';
import type { CommandsConsumerOptions } from './reservations/inventory-commands.consumer';
import { ReservationsModule } from './reservations/reservations.module';
import type { CatalogConsumerOptions } from './stock/track-catalog/catalog-events.consumer';
import { StockModule } from './stock/stock.module';

/** Expired orders released per sweeper transaction. */
const SWEEP_BATCH_SIZE = 100;

/** What tests change: where logs go, and the consumers' registrations (their own groups, their own orders and SKUs). */
export interface InventoryModuleOverrides {
  logDestination?: DestinationStream;
  commands?: Partial<CommandsConsumerOptions>;
  catalog?: Partial<CatalogConsumerOptions>;
  sweeper?: { enabled?: boolean; batchSize?: number };
}

/** Inventory: stock per SKU and reservations with expiry. */
@Module({})
export class InventoryModule {
  static forRoot(config: InventoryConfig, overrides: InventoryModuleOverrides = {}): DynamicModule {
    return {
      module: InventoryModule,
      imports: [
        ServiceKitModule.forService(config, { database: inventorySchema, logDestination: overrides.logDestination }),
        StockModule.register({ catalog: { name: 'catalog-events', fromBeginning: true, ...overrides.catalog } }),
        ReservationsModule.register({
          commands: { name: 'inventory-commands', ...overrides.commands },
          sweeper: {
            intervalMs: config.app.RESERVATION_SWEEP_INTERVAL_MS,
            batchSize: overrides.sweeper?.batchSize ?? SWEEP_BATCH_SIZE,
            enabled: overrides.sweeper?.enabled,
          },
        }),
      ],
    };
  }
}
