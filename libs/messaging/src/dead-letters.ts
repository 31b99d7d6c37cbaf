import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';

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

/** The group whose committed offsets on `<topic>.dlq` mark the dead letters already redriven. */
export const redriveGroupOf = (topic: string): string => `shopmesh-dlq-redrive.${topic}`;

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

interface DeadLetterBatch {
  letters: DeadLetter[];
  /** Marks the letters read as handled for the reader's group (redrive uses it). */
  commit(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Reads `<topic>.dlq` up to its current end: all of it (a throwaway group), or what the given
 * group has not committed yet.
 */
async function readDeadLetters(
  kafka: Kafka,
  topic: string,
  groupId: string | undefined,
  timeoutMs: number,
): Promise<DeadLetterBatch> {
  const dlq = deadLetterTopicOf(topic);
  const group = groupId ?? `shopmesh-dlq-reader-${process.pid}-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(dlq);
  const committed = groupId ? ((await admin.fetchOffsets({ groupId, topics: [dlq] }))[0]?.partitions ?? []) : [];
  await admin.disconnect();
  const start = (partition: number, low: string): number => {
    const c = Number(committed.find((p) => p.partition === partition)?.offset ?? -1);
    return c >= 0 ? c : Number(low);
  };
  const remaining = new Map(
    ends.filter((p) => Number(p.high) > start(p.partition, p.low)).map((p) => [p.partition, Number(p.high)]),
  );
  const letters: DeadLetter[] = [];
  const consumer = kafka.consumer({ groupId: group });
  const batch: DeadLetterBatch = {
    letters,
    commit: async () => {
      const last = new Map<number, string>();
      for (const l of letters) last.set(l.partition, String(Number(l.offset) + 1));
      if (last.size > 0)
        await consumer.commitOffsets([...last].map(([partition, offset]) => ({ topic: dlq, partition, offset })));
    },
    close: () => consumer.disconnect(),
  };
  if (remaining.size === 0) return batch;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await readUntilEnd(consumer, dlq, remaining, letters, timeoutMs);
  } catch (error) {
    await consumer.disconnect(); // a reader that timed out must not stay in its group
    throw error;
  }
  return batch;
}

function readUntilEnd(
  consumer: Consumer,
  dlq: string,
  remaining: Map<number, number>,
  letters: DeadLetter[],
  timeoutMs: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reading ${dlq} took longer than ${timeoutMs} ms`)), timeoutMs);
    void consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }: { partition: number; message: KafkaMessage }) => {
        if (remaining.has(partition)) {
          letters.push({
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: headerText(message.headers),
          });
          if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
        }
        if (remaining.size === 0) {
          clearTimeout(timer);
          consumer.pause([{ topic: dlq }]);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
}

/** Every message of `<topic>.dlq`, without committing anything. */
export async function listDeadLetters(kafka: Kafka, topic: string, timeoutMs = 10_000): Promise<DeadLetter[]> {
  const batch = await readDeadLetters(kafka, topic, undefined, timeoutMs);
  await batch.close();
  return batch.letters;
}

/**
 * Re-publishes to `<topic>` the dead letters of `<topic>.dlq` not redriven before (original key,
 * value and headers, without the DLQ ones), then records them as redriven: running it twice
 * does not send a letter twice. Consumers are idempotent on the envelope id anyway.
 */
export async function redriveDeadLetters(kafka: Kafka, topic: string, timeoutMs = 10_000): Promise<number> {
  const batch = await readDeadLetters(kafka, topic, redriveGroupOf(topic), timeoutMs);
  try {
    if (batch.letters.length === 0) return 0;
    const dlqHeaderNames = new Set<string>(Object.values(DlqHeaders));
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: batch.letters.map((l) => ({
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
    await batch.commit();
    return batch.letters.length;
  } finally {
    await batch.close();
  }
}
