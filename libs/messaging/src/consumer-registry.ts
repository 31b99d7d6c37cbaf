import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import type { ReadinessContributor } from '@shopmesh/health';
import type { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { IdempotentConsumer, type MessageHandler } from './idempotent-consumer';
import type { MessagingOptions } from './messaging-options';
import { KAFKA_CLIENT, KAFKA_PRODUCER, MESSAGING_OPTIONS } from './messaging.tokens';

export interface ConsumerRegistration {
  /** Unique within the service; the Kafka group is `<service>.<name>`. */
  name: string;
  topics: string[];
  handler: MessageHandler;
}

/**
 * The service's Kafka consumers: registered by feature modules (`onModuleInit`), started once the
 * app is up, stopped (offsets committed) before the database closes. Readiness is false while any
 * consumer is not running.
 */
@Injectable()
export class ConsumerRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown, ReadinessContributor {
  private readonly logger = new Logger(ConsumerRegistry.name);
  private readonly consumers: IdempotentConsumer[] = [];

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly dataSource: DataSource,
  ) {}

  register(registration: ConsumerRegistration): void {
    this.consumers.push(
      new IdempotentConsumer(
        this.kafka,
        this.producer,
        this.dataSource,
        {
          ...this.options.consumer,
          name: `${this.options.service}.${registration.name}`,
          topics: registration.topics,
          handler: registration.handler,
        },
        (level, message, error) => this.logger[level === 'info' ? 'log' : level]({ err: error }, message),
      ),
    );
  }

  onApplicationBootstrap(): void {
    for (const consumer of this.consumers) {
      void consumer.start().catch((error: unknown) => {
        consumer.state = 'crashed';
        this.logger.error({ err: error }, `consumer ${consumer.options.name} could not start`);
      });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
  }

  readinessCheck(indicator: HealthIndicatorService) {
    const session = indicator.check('consumers');
    const notRunning = this.consumers.filter((c) => c.state !== 'running').map((c) => `${c.options.name}: ${c.state}`);
    return notRunning.length === 0 ? session.up({ count: this.consumers.length }) : session.down({ notRunning });
  }
}
