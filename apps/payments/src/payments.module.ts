import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import { paymentsSchema } from './database/payments.data-source';
import { NO_FAULTS, type PaymentFaults } from './faults/payment-faults';
import { PAYMENT_COMMANDS_CONSUMER_NAME } from './payments/payment-commands.consumer';
import { ChargesModule } from './payments/charges.module';
import type { PaymentsConfig } from './payments.config';

/** What tests change: where logs go, the consumer group, the orders taken, injected faults, provider backoff. */
export interface PaymentsModuleOverrides {
  logDestination?: DestinationStream;
  consumerName?: string;
  /** Where a new consumer group starts (default: the first message; see PaymentCommandsConsumerOptions). */
  consumeFromBeginning?: boolean;
  /** Only orders whose id starts with this prefix are handled (suites share payments.commands). */
  orderIdPrefix?: string;
  faults?: PaymentFaults;
  providerBackoffMs?: { min: number; max: number };
}

/** Backoff between two calls of the provider for one command. */
const PROVIDER_BACKOFF_MS = { min: 100, max: 1000 };

/** Payments: the simulated payment provider: authorize and capture, refund, a ledger. */
@Module({})
export class PaymentsModule {
  static forRoot(config: PaymentsConfig, overrides: PaymentsModuleOverrides = {}): DynamicModule {
    const backoff = overrides.providerBackoffMs ?? PROVIDER_BACKOFF_MS;
    const prefix = overrides.orderIdPrefix;
    return {
      module: PaymentsModule,
      imports: [
        ServiceKitModule.forService(config, { database: paymentsSchema, logDestination: overrides.logDestination }),
        ChargesModule.register({
          provider: {
            timeoutMs: config.app.PAYMENT_PROVIDER_TIMEOUT_MS,
            maxAttempts: config.app.PAYMENT_PROVIDER_MAX_ATTEMPTS,
            minBackoffMs: backoff.min,
            maxBackoffMs: backoff.max,
          },
          consumer: {
            name: overrides.consumerName ?? PAYMENT_COMMANDS_CONSUMER_NAME,
            fromBeginning: overrides.consumeFromBeginning,
            acceptsOrder: prefix ? (orderId) => orderId.startsWith(prefix) : undefined,
          },
          faults: overrides.faults ?? NO_FAULTS,
        }),
      ],
    };
  }
}
