import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Metrics } from '@shopmesh/metrics';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { MessagingOptions } from './messaging-options';
import { KAFKA_CLIENT, MESSAGING_OPTIONS } from './messaging.tokens';
import { createProducer } from './producer';
import { OutboxMetrics } from './outbox-metrics';
import { OutboxRelay } from './outbox-relay';

/** Runs the service's outbox relay while the app is up; stops it before the database closes. */
@Injectable()
export class RelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  readonly relay: OutboxRelay;

  constructor(
    dataSource: DataSource,
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
    metrics: Metrics,
  ) {
    // a producer of the relay's own, renewed after a failed pass (see ProducerFactory); the
    // consumers' dead letters have theirs (DeadLetterProducer)
    this.relay = new OutboxRelay(
      dataSource,
      () => createProducer(kafka),
      options.relay,
      new OutboxMetrics(metrics.registry, dataSource),
      (level, message, error) => (level === 'warn' ? this.logger.warn({ err: error }, message) : this.logger.log(message)),
    );
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
