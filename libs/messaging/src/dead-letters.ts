import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';

/** Headers a dead letter carries besides its original ones. */
export const DlqHeaders = {
  error: 'x-dlq-error',
  attempts: 'x-dlq-attempts',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  consumer: 'x-dlq-consumer',
  failedAt: 'x-dlq-failed-at',
} as const;

export const deadLetterTopicOf = (topic: string): string => `${topic}.dlq`;

export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String).join(',') : String(v ?? '')]),
  );

/** Reads every message of `<topic>.dlq` (without committing anything). */
export async function listDeadLetters(kafka: Kafka, topic: string, timeoutMs = 5000): Promise<DeadLetter[]> {
  const dlq = deadLetterTopicOf(topic);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(dlq);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
  const letters: DeadLetter[] = [];
  if (remaining.size === 0) return letters;
  const consumer = kafka.consumer({ groupId: `shopmesh-dlq-reader-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: dlq, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reading ${dlq} took longer than ${timeoutMs} ms`)), timeoutMs);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
        letters.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: headerText(message.headers),
        });
        if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  }).finally(() => consumer.disconnect());
  return letters;
}

/**
 * Re-publishes every dead letter of `<topic>.dlq` to its original topic (original key, value and
 * headers, without the DLQ ones). Consumers are idempotent, so a letter redriven twice is applied once.
 */
export async function redriveDeadLetters(kafka: Kafka, topic: string): Promise<number> {
  const letters = await listDeadLetters(kafka, topic);
  if (letters.length === 0) return 0;
  const dlqHeaderNames = new Set<string>(Object.values(DlqHeaders));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: letters.map((l) => ({
        key: l.key,
        value: l.value,
        headers: {
          ...Object.fromEntries(Object.entries(l.headers).filter(([k]) => !dlqHeaderNames.has(k))),
          'x-dlq-redriven-from': `${l.partition}@${l.offset}`,
        },
      })),
    });
  } finally {
    await producer.disconnect();
  }
  return letters.length;
}
