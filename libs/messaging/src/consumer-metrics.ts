import type { Admin, Kafka } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ConsumerOutcome } from './idempotent-consumer';

/** A consumer's group and topics, for the lag gauge. */
export interface ConsumerGroup {
  groupId: string;
  topics: readonly string[];
}

/**
 * `consumer_messages_total{consumer,topic,outcome}` (processed, duplicate, retried, dead-lettered)
 * and `consumer_lag{consumer,topic,partition}`: the messages of each partition the group has not
 * committed yet, read from Kafka when Prometheus scrapes (bounded by a deadline; a Kafka that does
 * not answer leaves the gauge as it was rather than holding the scrape).
 */
export class ConsumerMetrics {
  private readonly messages: Counter<'consumer' | 'topic' | 'outcome'>;
  private admin?: Admin;

  constructor(registry: Registry, kafka: Kafka, groups: () => readonly ConsumerGroup[], deadlineMs = 1500) {
    this.messages = new Counter({
      name: 'consumer_messages_total',
      help: 'Messages consumed, by consumer, topic and outcome (processed, duplicate, retried, dead-lettered).',
      labelNames: ['consumer', 'topic', 'outcome'] as const,
      registers: [registry],
    });
    const admin = (): Admin => (this.admin ??= kafka.admin());
    new Gauge({
      name: 'consumer_lag',
      help: 'Messages of a partition not yet consumed and committed by the consumer group.',
      labelNames: ['consumer', 'topic', 'partition'] as const,
      registers: [registry],
      async collect() {
        const read = async (): Promise<void> => {
          await admin().connect();
          for (const group of groups()) {
            for (const topic of group.topics) {
              const [high, committed] = await Promise.all([
                admin().fetchTopicOffsets(topic),
                admin().fetchOffsets({ groupId: group.groupId, topics: [topic] }),
              ]);
              const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
              for (const p of high) {
                const at = done.get(p.partition) ?? -1;
                const lag = Number(p.high) - (at < 0 ? Number(p.low) : at);
                this.set({ consumer: group.groupId, topic, partition: String(p.partition) }, Math.max(0, lag));
              }
            }
          }
        };
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          read().catch(() => undefined),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs))),
        ]).finally(() => clearTimeout(timer));
      },
    });
  }

  count(consumer: string, topic: string, outcome: ConsumerOutcome): void {
    this.messages.inc({ consumer, topic, outcome });
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}
