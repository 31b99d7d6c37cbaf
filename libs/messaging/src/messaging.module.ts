import { DynamicModule, Module } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { ConsumerRegistry } from './consumer-registry';
import type { MessagingOptions } from './messaging-options';
import { KAFKA_CLIENT, MESSAGING_OPTIONS } from './messaging.tokens';
import { Outbox } from './outbox';
import { RelayLifecycle } from './relay-lifecycle';

/**
 * Reliable messaging: `ConsumerRegistry` for idempotent consumers and, for a service with a
 * database (`outbox: true`, the default), `Outbox` to record messages in the state change's
 * transaction and a relay publishing them. The outbox needs the service's TypeORM data source and
 * the messaging tables (`createMessagingTables`); a Redis-only service consumes with
 * self-idempotent handlers and publishes nothing.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const withOutbox = options.outbox ?? true;
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: KAFKA_CLIENT,
          useFactory: () =>
            new Kafka({
              clientId: options.service,
              brokers: options.brokers,
              connectionTimeout: 3000,
              requestTimeout: 10_000,
              retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
              logLevel: logLevel.NOTHING,
            }),
        },
        ...(withOutbox
          ? [{ provide: Outbox, useFactory: () => new Outbox(options.relay.wake === 'notify') }, RelayLifecycle]
          : []),
        ConsumerRegistry,
      ],
      exports: [...(withOutbox ? [Outbox] : []), ConsumerRegistry, KAFKA_CLIENT],
    };
  }
}
