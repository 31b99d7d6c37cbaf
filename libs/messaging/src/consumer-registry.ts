import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessRegistry, type ReadinessContributor } from '@shopmesh/health';
import { Metrics } from '@shopmesh/metrics';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ConsumerMetrics } from './consumer-metrics';
import { IdempotentConsumer, type MessageHandler, type SelfIdempotentHandler } from './idempotent-consumer';
import type { MessagingOptions } from './messaging-options';
import { DeadLetterProducer } from './dead-letter-producer';
import { KAFKA_CLIENT, MESSAGING_OPTIONS } from './messaging.tokens';
import { createProducer } from './producer';

export type ConsumerRegistration = {
  /** Unique within the service; the Kafka group is `<service>.<name>`. */
  name: string;
  topics: string[];
  /** Where a new group starts (default: the end; `true` to read each topic from its first message). */
  fromBeginning?: boolean;
} & ({ handler: MessageHandler } | { selfIdempotentHandler: SelfIdempotentHandler });

/**
 * The service's Kafka consumers: registered by feature modules (`onModuleInit`), started once the
 * app is up, stopped (offsets committed) before the database closes. Readiness is false while any
 * consumer is not running; `consumer_messages_total`, `consumer_message_duration_seconds`,
 * `shopmesh_consumer_lag_messages` and `shopmesh_dead_letter_messages` say what each one does.
 */
@Injectable()
export class ConsumerRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown, ReadinessContributor {
  private readonly logger = new Logger(ConsumerRegistry.name);
  private readonly consumers: IdempotentConsumer[] = [];
  private readonly metrics: ConsumerMetrics;
  private readonly deadLetters: DeadLetterProducer;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    metrics: Metrics,
    readiness: ReadinessRegistry,
    @Optional() private readonly dataSource?: DataSource,
  ) {
    readiness.add(this);
    this.deadLetters = new DeadLetterProducer(() => createProducer(kafka));
    this.metrics = new ConsumerMetrics(metrics.registry, kafka, () =>
      this.consumers.map((c) => ({ groupId: c.options.name, topics: c.options.topics })),
    );
  }

  register(registration: ConsumerRegistration): void {
    const name = `${this.options.service}.${registration.name}`;
    this.consumers.push(
      new IdempotentConsumer(
        this.kafka,
        this.deadLetters,
        this.dataSource,
        {
          ...this.options.consumer,
          name,
          topics: registration.topics,
          fromBeginning: registration.fromBeginning,
          ...('handler' in registration
            ? { handler: registration.handler }
            : { selfIdempotentHandler: registration.selfIdempotentHandler }),
        },
        (level, message, error) => this.logger[level === 'info' ? 'log' : level]({ err: error }, message),
        (outcome, topic, seconds) => this.metrics.count(name, topic, outcome, seconds),
      ),
    );
  }

  /** The Kafka group and topics of each consumer (the ops console reads their lag). */
  get groups(): ReadonlyArray<{ groupId: string; topics: readonly string[] }> {
    return this.consumers.map((c) => ({ groupId: c.options.name, topics: c.options.topics }));
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
    await this.deadLetters.close();
    await this.metrics.close();
  }

  readinessChecks(indicator: HealthIndicatorService) {
    if (this.consumers.length === 0) return [];
    return [
      () => {
        const session = indicator.check('consumers');
        const notRunning = this.consumers.filter((c) => c.state !== 'running').map((c) => `${c.options.name}: ${c.state}`);
        return notRunning.length === 0 ? session.up({ count: this.consumers.length }) : session.down({ notRunning });
      },
    ];
  }
}
