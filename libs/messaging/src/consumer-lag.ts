import type { Admin } from 'kafkajs';

/** What a consumer group has not consumed yet on one partition of a topic it has offsets for. */
export interface ConsumerLag {
  groupId: string;
  topic: string;
  partition: number;
  /** The group's committed offset (`-1` when it has committed nothing there yet). */
  committedOffset: string;
  endOffset: string;
  /** Messages between the committed offset (or the partition's start) and its end. */
  lag: number;
}

/**
 * The lag of a consumer group on every partition of the topics it has committed offsets for,
 * read from Kafka with the given (connected) admin client.
 */
export async function readConsumerLag(admin: Admin, groupId: string): Promise<ConsumerLag[]> {
  const committed = await admin.fetchOffsets({ groupId });
  const lags: ConsumerLag[] = [];
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const offset = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      const from = Number(offset) >= 0 ? Number(offset) : Number(end.low);
      lags.push({
        groupId,
        topic,
        partition: end.partition,
        committedOffset: offset,
        endOffset: end.high,
        lag: Math.max(0, Number(end.high) - from),
      });
    }
  }
  return lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
