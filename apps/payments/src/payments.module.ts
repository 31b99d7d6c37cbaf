import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import { paymentsSchema } from './database/payments.data-source';
import type { PaymentsConfig } from './payments.config';

/** Payments: the simulated payment provider: authorize and capture, refund, a ledger. */
@Module({})
export class PaymentsModule {
  static forRoot(config: PaymentsConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: PaymentsModule,
      imports: [ServiceKitModule.forService(config, { database: paymentsSchema, logDestination })],
    };
  }
}
