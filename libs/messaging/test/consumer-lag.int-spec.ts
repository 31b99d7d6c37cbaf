import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Metrics } from '@shopmesh/metrics';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ConsumerMetrics, readConsumerLag } from '../src';
import { startMessagingHarness, type MessagingHarness } from './messaging-harness';

describe(readConsumerLag.name, () => {
  let h: MessagingHarness;
  let admin: Admin;
  let topic: string;

  beforeAll(async () => {
    h = await startMessagingHarness('consumer_lag');
    admin = h.kafka.admin();
    await admin.connect();
    topic = await h.newTopic();
    const producer = await h.producer();
    // 5 messages on partition 0, 2 on partition 1, none on partition 2; 3 dead letters on partition 0
    await producer.send({ topic, messages: [0, 0, 0, 0, 0, 1, 1].map((partition, i) => ({ partition, value: `m${i}` })) });
    await producer.send({ topic: `${topic}.dlq`, messages: [1, 2, 3].map((i) => ({ partition: 0, value: `d${i}` })) });
    await admin.setOffsets({ groupId: `${topic}.group`, topic, partitions: [{ partition: 0, offset: '2' }] });
  }, 60_000);

  afterAll(async () => {
    await admin?.disconnect();
    await h?.close();
  });

  it("gives each partition's end offset, the group's committed offset and the lag between them", async () => {
    const lags = await readConsumerLag(admin, `${topic}.group`, [topic]);
    expect(lags.sort((a, b) => a.partition - b.partition)).toEqual([
      { groupId: `${topic}.group`, topic, partition: 0, committedOffset: '2', endOffset: '5', lag: 3 },
      // never committed there: counted from the partition's start
      { groupId: `${topic}.group`, topic, partition: 1, committedOffset: '-1', endOffset: '2', lag: 2 },
      { groupId: `${topic}.group`, topic, partition: 2, committedOffset: '-1', endOffset: '0', lag: 0 },
    ]);
  });

  it('reads every topic the group committed on when no topic is given', async () => {
    const lags = await readConsumerLag(admin, `${topic}.group`);
    expect(lags.filter((l) => l.topic === topic).map((l) => l.lag)).toEqual(expect.arrayContaining([3, 2, 0]));
  });

  it('puts the lag and the dead letters not redriven on /metrics at scrape time', async () => {
    const metrics = new Metrics('test');
    const sut = new ConsumerMetrics(metrics.registry, h.kafka, () => [{ groupId: `${topic}.group`, topics: [topic] }]);
    try {
      const text = await metrics.registry.metrics();
      expect(text).toContain(
        `shopmesh_consumer_lag_messages{group="${topic}.group",topic="${topic}",partition="0",service="test"} 3`,
      );
      expect(text).toContain(`shopmesh_dead_letter_messages{topic="${topic}",service="test"} 3`);
    } finally {
      await sut.close();
    }
  });

  it('does not hold a scrape when Kafka accepts connections and never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket)); // a wedged broker
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const metrics = new Metrics('test');
    const wedged = new Kafka({
      clientId: 'lag-test',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const sut = new ConsumerMetrics(metrics.registry, wedged, () => [{ groupId: 'g', topics: [topic] }], 500);
    try {
      const started = Date.now();
      const text = await metrics.registry.metrics();
      expect(Date.now() - started).toBeLessThan(1500);
      expect(sockets.length).toBeGreaterThan(0); // it did try
      expect(text).toContain('# TYPE shopmesh_consumer_lag_messages gauge');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
      await sut.close();
    }
  });
});
