import { Kafka, logLevel, type Admin } from 'kafkajs';
import { loadInfraConfig } from '../infra-config';
import { waitUntil } from '../wait-until';

/** Group whose description makes the broker create `__consumer_offsets` and its coordinator. */
export const READINESS_GROUP = 'shopmesh-readiness';

async function withAdmin<T>(brokers: string[], retries: number, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({
    clientId: 'shopmesh-infra',
    brokers,
    connectionTimeout: 2000,
    requestTimeout: 10_000,
    retry: { retries, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True if the cluster at `brokers` answers `describeCluster` (one attempt, no retries). */
export async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  try {
    return await withAdmin(brokers, 0, async (admin) => (await admin.describeCluster()).brokers.length > 0);
  } catch {
    return false;
  }
}

export interface EnsureTopicsOptions {
  /** Partitions of each created topic (default: KAFKA_TOPIC_PARTITIONS, else 3). Replication factor is 1. */
  partitions?: number;
  /** How long to wait for the topics' leaders (default 30 s). */
  timeoutMs?: number;
}

/**
 * Creates each topic in `topics` that does not exist yet (`createTopics` with `waitForLeaders`),
 * then waits until every partition of every listed topic has a leader, so that producers and
 * consumers can use them at once. Idempotent; existing topics are left as they are.
 *
 * @returns the topics this call found missing and created
 * @throws Error if the cluster cannot be reached or the leaders do not appear in time
 */
export async function ensureTopics(
  brokers: string[],
  topics: readonly string[],
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const partitions = options.partitions ?? loadInfraConfig().kafka.partitions;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const wanted = [...new Set(topics)];
  const missing = await withAdmin(brokers, 5, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const absent = wanted.filter((topic) => !existing.has(topic));
    if (absent.length > 0) {
      // resolves false when another process created some of them first: the leader check covers that
      await admin.createTopics({
        waitForLeaders: true,
        timeout: timeoutMs,
        topics: absent.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      });
    }
    return absent;
  });
  if (wanted.length > 0) {
    await waitUntil(
      `Kafka topics at ${brokers.join(',')}`,
      () =>
        withAdmin(brokers, 0, async (admin) => {
          const metadata = await admin.fetchTopicMetadata({ topics: wanted });
          return metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        }),
      { timeoutMs, intervalMs: 200 },
    );
  }
  return missing;
}

/**
 * Waits until the group coordinator answers: `describeGroups([READINESS_GROUP])` fails with "The
 * group coordinator is not available" until the broker has created `__consumer_offsets`, which this
 * very call triggers on a new broker.
 *
 * @throws Error if the coordinator is not available within `timeoutMs`
 */
export async function awaitGroupCoordinator(brokers: string[], timeoutMs: number): Promise<void> {
  await waitUntil(
    `Kafka group coordinator at ${brokers.join(',')}`,
    () =>
      withAdmin(brokers, 0, async (admin) => {
        await admin.describeCluster(); // loads the broker list, which describeGroups needs
        return (await admin.describeGroups([READINESS_GROUP])).groups.length === 1;
      }),
    { timeoutMs, intervalMs: 250 },
  );
}

/**
 * Waits until the broker answers `describeCluster`, creates the missing `topics` (see
 * {@link ensureTopics}), then waits for the group coordinator (see {@link awaitGroupCoordinator}):
 * after this, producers and consumer groups work at once.
 *
 * @param failIf - checked while waiting for the broker: a reason string aborts the wait (the local broker exited)
 * @returns the topics that were created
 * @throws Error naming the step that did not complete within `timeoutMs`
 */
export async function prepareKafka(
  brokers: string[],
  topics: readonly string[],
  partitions: number,
  timeoutMs: number,
  failIf?: () => string | undefined,
): Promise<string[]> {
  await waitUntil(`Kafka at ${brokers.join(',')}`, () => kafkaAnswers(brokers), { timeoutMs, intervalMs: 250, failIf });
  const created = await ensureTopics(brokers, topics, { partitions, timeoutMs: Math.min(timeoutMs, 60_000) });
  await awaitGroupCoordinator(brokers, Math.min(timeoutMs, 60_000));
  return created;
}

/**
 * Moves every idle consumer group named `<prefix>…` to the end of each topic it has offsets on,
 * and answers the groups it moved. A test platform on a shared broker does this before its apps
 * start: its services' groups have fixed names, and without it they would inherit what an earlier
 * platform left unread (its apps stopped or killed before they consumed it) and act on orders their
 * databases never saw. A group with members is left alone.
 */
export async function skipIdleGroupsToEnd(brokers: string[], prefixes: readonly string[]): Promise<string[]> {
  return withAdmin(brokers, 2, async (admin) => {
    const named = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((id) => prefixes.some((prefix) => id.startsWith(prefix)));
    if (named.length === 0) return [];
    const idle = (await admin.describeGroups(named)).groups.filter((g) => g.members.length === 0).map((g) => g.groupId);
    const ends = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const groupId of idle) {
      for (const { topic } of await admin.fetchOffsets({ groupId })) {
        if (!ends.has(topic))
          ends.set(
            topic,
            (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high })),
          );
        await admin.setOffsets({ groupId, topic, partitions: ends.get(topic) ?? [] });
      }
    }
    return idle;
  });
}
