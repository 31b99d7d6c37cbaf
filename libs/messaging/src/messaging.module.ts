import { DynamicModule, Module } from '@nestjs/common';
import { READINESS_CONTRIBUTOR } from '@shopmesh/health';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { ConsumerRegistry } from './consumer-registry';
import type { MessagingOptions } from './messaging-options';
import { KAFKA_CLIENT, KAFKA_PRODUCER, MESSAGING_OPTIONS } from './messaging.tokens';
import { Outbox } from './outbox';
import { RelayLifecycle } from './relay-lifecycle';

/**
 * Reliable messaging for a service with a database: `Outbox` to record messages in the state
 * change's transaction, a relay publishing them, and `ConsumerRegistry` for idempotent consumers.
 * Needs the service's TypeORM data source and the messaging tables (`createMessagingTables`).
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
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
        {
          provide: KAFKA_PRODUCER,
          inject: [KAFKA_CLIENT],
          useFactory: (kafka: Kafka) =>
            kafka.producer({
              idempotent: true,
              maxInFlightRequests: 1,
              allowAutoTopicCreation: false,
              createPartitioner: Partitioners.DefaultPartitioner,
            }),
        },
        { provide: Outbox, useFactory: () => new Outbox(options.relay.wake === 'notify') },
        RelayLifecycle,
        ConsumerRegistry,
        { provide: READINESS_CONTRIBUTOR, useExisting: ConsumerRegistry },
      ],
      exports: [Outbox, ConsumerRegistry, KAFKA_CLIENT, READINESS_CONTRIBUTOR],
    };
  }
}
