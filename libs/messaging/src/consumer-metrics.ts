import type { Admin, Kafka } from 'kafkajs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { readConsumerLag, type ConsumerLag } from './consumer-lag';
import { deadLetterTopicOf, redriveGroupOf } from './dead-letters';
import type { ConsumerOutcome } from './idempotent-consumer';

/** A consumer's group and topics, for the lag gauge. */
export interface ConsumerGroup {
  groupId: string;
  topics: readonly string[];
}

interface KafkaReading {
  lags: ConsumerLag[];
  /** Dead letters not redriven yet, by original topic. */
  deadLetters: Map<string, number>;
}

/** How long one reading from Kafka serves scrapes, and how long a scrape waits for a new one. */
const READING_TTL_MS = 2000;

/**
 * Consumer RED metrics and what Kafka says about the consumers, on the service's registry:
 * - `consumer_messages_total{consumer,topic,outcome}`: messages by outcome (processed, duplicate,
 *   retried, dead-lettered); `consumer` is the group id;
 * - `consumer_message_duration_seconds{consumer,topic,outcome}`: from delivery to the final outcome
 *   of one message (retries and their backoff included);
 * - `shopmesh_consumer_lag_messages{group,topic,partition}`: messages the group has not committed yet;
 * - `shopmesh_dead_letter_messages{topic}`: messages in `<topic>.dlq` not redriven yet (past the
 *   redrive group's committed offset), for each topic this service consumes (it owns that DLQ's producer).
 * The Kafka gauges are read when Prometheus scrapes, once per {@link READING_TTL_MS}, bounded by a
 * deadline: a Kafka that does not answer leaves them at their last values rather than holding the scrape.
 */
export class ConsumerMetrics {
  private readonly messages: Counter<'consumer' | 'topic' | 'outcome'>;
  private readonly duration: Histogram<'consumer' | 'topic' | 'outcome'>;
  private admin?: Admin;
  private reading?: { at: number; value: Promise<KafkaReading | undefined> };
  private inFlight?: Promise<KafkaReading | undefined>;

  constructor(
    registry: Registry,
    private readonly kafka: Kafka,
    private readonly groups: () => readonly ConsumerGroup[],
    private readonly deadlineMs = 1500,
  ) {
    this.messages = new Counter({
      name: 'consumer_messages_total',
      help: 'Messages consumed, by consumer group, topic and outcome (processed, duplicate, retried, dead-lettered).',
      labelNames: ['consumer', 'topic', 'outcome'] as const,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'consumer_message_duration_seconds',
      help: 'Seconds from delivery to the final outcome of a message (retries included), by consumer group, topic and outcome.',
      labelNames: ['consumer', 'topic', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    const read = (): Promise<KafkaReading | undefined> => this.read();
    new Gauge({
      name: 'shopmesh_consumer_lag_messages',
      help: 'Messages of a partition not yet consumed and committed by the consumer group.',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers: [registry],
      async collect() {
        for (const l of (await read())?.lags ?? []) {
          this.set({ group: l.groupId, topic: l.topic, partition: String(l.partition) }, l.lag);
        }
      },
    });
    new Gauge({
      name: 'shopmesh_dead_letter_messages',
      help: 'Messages in <topic>.dlq not redriven yet, by original topic.',
      labelNames: ['topic'] as const,
      registers: [registry],
      async collect() {
        for (const [topic, n] of (await read())?.deadLetters ?? []) this.set({ topic }, n);
      },
    });
  }

  count(consumer: string, topic: string, outcome: ConsumerOutcome, seconds?: number): void {
    this.messages.inc({ consumer, topic, outcome });
    if (seconds !== undefined) this.duration.observe({ consumer, topic, outcome }, seconds);
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** One reading shared by the gauges of a scrape; `undefined` when Kafka did not answer in time. */
  private read(): Promise<KafkaReading | undefined> {
    if (!this.reading || Date.now() - this.reading.at > READING_TTL_MS) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.deadlineMs)));
      // a reading Kafka is still answering is waited for again, not started twice
      this.inFlight ??= this.readFromKafka()
        .catch(() => undefined)
        .finally(() => (this.inFlight = undefined));
      const value = Promise.race([this.inFlight, deadline]).finally(() => clearTimeout(timer));
      this.reading = { at: Date.now(), value };
    }
    return this.reading.value;
  }

  private async readFromKafka(): Promise<KafkaReading> {
    const admin = (this.admin ??= this.kafka.admin());
    await admin.connect();
    const groups = this.groups();
    const lags = (await Promise.all(groups.map((g) => readConsumerLag(admin, g.groupId, g.topics)))).flat();
    const topics = [...new Set(groups.flatMap((g) => g.topics))];
    const deadLetters = new Map<string, number>();
    await Promise.all(
      topics.map(async (topic) => {
        // the redrive group's lag on the DLQ is what redrive would send: the dead letters not redriven yet
        const redrive = await readConsumerLag(admin, redriveGroupOf(topic), [deadLetterTopicOf(topic)]).catch(() => undefined);
        if (redrive)
          deadLetters.set(
            topic,
            redrive.reduce((n, p) => n + p.lag, 0),
          );
      }),
    );
    return { lags, deadLetters };
  }
}
