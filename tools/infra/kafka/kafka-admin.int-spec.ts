import { randomBytes } from 'node:crypto';
import { testEnv, waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel } from 'kafkajs';
import { skipIdleGroupsToEnd } from './kafka-admin';

/** On the real broker: a test platform's groups start where the topics end, not where an earlier platform stopped reading. */
describe('skipIdleGroupsToEnd (real Kafka)', () => {
  const brokers = (testEnv().KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({ clientId: 'skip-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const id = randomBytes(4).toString('hex');
  const topic = `skip-test-${id}`;
  const producer = kafka.producer();
  const committed = async (groupId: string) =>
    (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions.map((p) => p.offset) ?? [];
  /** A consumer of the group that reads `count` messages, commits and leaves (or stays, with `stay`). */
  const readAndLeave = async (groupId: string, count: number, stay = false) => {
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let seen = 0;
    await consumer.run({
      eachMessage: () => {
        seen += 1;
        return Promise.resolve();
      },
    });
    await waitUntil(`${groupId} read ${count}`, () => seen >= count, { timeoutMs: 30_000 });
    if (!stay) await consumer.disconnect();
    return consumer;
  };

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('moves an idle group of the prefix to the end of its topics; a group with members and one of another prefix stay where they are', async () => {
    const send = (n: number) => producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ value: `m${i}` })) });
    await send(2);
    await readAndLeave(`skip-${id}.left`, 2);
    await readAndLeave(`other-${id}.left`, 2);
    const caughtUp = await readAndLeave(`skip-${id}.caught-up`, 2, true);
    await send(3); // what the stopped platform left unread
    await waitUntil('the caught-up group read them', async () => (await committed(`skip-${id}.caught-up`))[0] === '5', {
      timeoutMs: 30_000,
    });
    await caughtUp.stop();

    const member = kafka.consumer({ groupId: `skip-${id}.member` });
    await member.connect();
    await member.subscribe({ topics: [topic], fromBeginning: true });
    await member.run({ eachMessage: () => Promise.resolve() });
    await waitUntil(
      'the member joined',
      async () => (await admin.describeGroups([`skip-${id}.member`])).groups[0]?.state === 'Stable',
      {
        timeoutMs: 30_000,
      },
    );
    try {
      const moved = await skipIdleGroupsToEnd(brokers, [`skip-${id}.`]);
      expect(moved.sort()).toEqual([`skip-${id}.left`, `skip-${id}.caught-up`].sort());
      expect(await committed(`skip-${id}.left`)).toEqual(['5']);
      expect(await committed(`other-${id}.left`)).toEqual(['2']);
    } finally {
      await member.disconnect();
      await caughtUp.disconnect();
    }
  });
});
