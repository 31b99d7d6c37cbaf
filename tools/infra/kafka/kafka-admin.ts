import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '../probes';

const kafkaClient = (brokers: string[]) =>
  new Kafka({
    clientId: 'shopmesh-infra',
    brokers,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });

/** True if the cluster at `brokers` answers a metadata request. */
export async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  const admin = kafkaClient(brokers).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Waits until the broker serves metadata, then creates every topic (idempotent) and waits for
 * the group coordinator, which does not exist until `__consumer_offsets` does.
 */
export async function prepareKafka(
  brokers: string[],
  topics: readonly string[],
  partitions: number,
  timeoutMs: number,
): Promise<string[]> {
  await waitFor(`Kafka at ${brokers.join(',')}`, () => kafkaAnswers(brokers), timeoutMs, 500);
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      });
    }
    await waitFor(
      'Kafka group coordinator',
      async () => {
        const { groups } = await admin.describeGroups(['shopmesh-readiness']);
        return groups.length === 1;
      },
      timeoutMs,
      500,
    );
    return missing;
  } finally {
    await admin.disconnect();
  }
}
