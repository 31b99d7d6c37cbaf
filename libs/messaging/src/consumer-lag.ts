import type { Admin } from 'kafkajs';

/** How far one consumer group is behind on one partition. */
export interface ConsumerLag {
  groupId: string;
  topic: string;
  partition: number;
  /** The group's committed offset (the next message it will read), `-1` when it never committed. */
  committedOffset: string;
  /** The partition's end offset (high watermark). */
  endOffset: string;
  /** Messages between the two (from the partition's start when the group never committed); never negative. */
  lag: number;
}

/**
 * The lag of `groupId` on every partition of `topics` (by default every topic it has committed
 * offsets on): end offset minus committed offset, both read with the given, connected admin.
 */
export async function readConsumerLag(admin: Admin, groupId: string, topics?: readonly string[]): Promise<ConsumerLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: topics ? [...topics] : undefined });
  const lags = await Promise.all(
    committed.map(async ({ topic, partitions }) => {
      const ends = await admin.fetchTopicOffsets(topic);
      const at = new Map(partitions.map((p) => [p.partition, p.offset]));
      return ends.map((end): ConsumerLag => {
        const committedOffset = at.get(end.partition) ?? '-1';
        const from = Number(committedOffset) >= 0 ? Number(committedOffset) : Number(end.low);
        return {
          groupId,
          topic,
          partition: end.partition,
          committedOffset,
          endOffset: end.high,
          lag: Math.max(0, Number(end.high) - from),
        };
      });
    }),
  );
  return lags.flat();
}
