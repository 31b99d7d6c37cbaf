import { DynamicModule, Module } from '@nestjs/common';
import { CommitStockService } from './commit-stock/commit-stock.service';
import { ReservationSweeper, type SweeperOptions } from './expire-reservations/reservation-sweeper';
import { InventoryCommandsConsumer, type CommandsConsumerOptions } from './inventory-commands.consumer';
import { ReleaseStockService } from './release-stock/release-stock.service';
import { ReservationStore } from './reservation.store';
import { RESERVATIONS_OPTIONS } from './reservations.tokens';
import { ReserveStockService } from './reserve-stock/reserve-stock.service';

export interface ReservationsModuleOptions {
  commands: CommandsConsumerOptions;
  sweeper: SweeperOptions;
}

/** Reservations: the consumer of inventory.commands and the sweeper releasing expired reservations. */
@Module({})
export class ReservationsModule {
  static register(options: ReservationsModuleOptions): DynamicModule {
    return {
      module: ReservationsModule,
      providers: [
        { provide: RESERVATIONS_OPTIONS, useValue: options },
        ReservationStore,
        ReserveStockService,
        CommitStockService,
        ReleaseStockService,
        InventoryCommandsConsumer,
        ReservationSweeper,
      ],
    };
  }
}
