import { DynamicModule, Logger, Module } from '@nestjs/common';
import { Metrics } from '@shopmesh/metrics';
import type { PaymentFaults } from '../faults/payment-faults';
import { ProviderClient, type ProviderClientOptions } from '../provider/provider-client';
import { SimulatedProvider } from '../provider/simulated-provider';
import { AuthorizePaymentService } from './authorize-payment/authorize-payment.service';
import { OrderPaymentService } from './order-payment/order-payment.service';
import { PaymentCommandsConsumer, type PaymentCommandsConsumerOptions } from './payment-commands.consumer';
import { PaymentMetrics } from './payment-metrics';
import { PaymentsRpcController } from './payments.rpc.controller';
import { PAYMENT_COMMANDS_CONSUMER, PAYMENT_FAULTS, PROVIDER_CLIENT } from './payments.tokens';
import { RefundPaymentService } from './refund-payment/refund-payment.service';

export interface ChargesOptions {
  provider: ProviderClientOptions;
  consumer: PaymentCommandsConsumerOptions;
  faults: PaymentFaults;
}

/** Charging orders: the payments.commands consumer, the provider it calls, the ledger and its RPC. */
@Module({})
export class ChargesModule {
  static register(options: ChargesOptions): DynamicModule {
    return {
      module: ChargesModule,
      controllers: [PaymentsRpcController],
      providers: [
        SimulatedProvider,
        { provide: PaymentMetrics, inject: [Metrics], useFactory: (metrics: Metrics) => new PaymentMetrics(metrics.registry) },
        {
          provide: PROVIDER_CLIENT,
          inject: [SimulatedProvider, PaymentMetrics],
          useFactory: (provider: SimulatedProvider, metrics: PaymentMetrics) => {
            const logger = new Logger(ProviderClient.name);
            return new ProviderClient(provider, options.provider, (operation, attempt, error) => {
              metrics.failedCall(operation);
              logger.log(
                `provider ${operation}: call ${attempt} failed: ${error instanceof Error ? error.message : String(error)}`,
              );
            });
          },
        },
        { provide: PAYMENT_FAULTS, useValue: options.faults },
        { provide: PAYMENT_COMMANDS_CONSUMER, useValue: options.consumer },
        AuthorizePaymentService,
        RefundPaymentService,
        OrderPaymentService,
        PaymentCommandsConsumer,
      ],
    };
  }
}
