import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import { inventorySchema } from './database/inventory.data-source';
import type { InventoryConfig } from './inventory.config';

/** Inventory: stock per SKU and reservations with expiry. */
@Module({})
export class InventoryModule {
  static forRoot(config: InventoryConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: InventoryModule,
      imports: [ServiceKitModule.forService(config, { database: inventorySchema, logDestination })],
    };
  }
}
