import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '@shopmesh/testing';
import { IdempotentConsumer, createEnvelope, type ConsumerTransaction, type Envelope } from '../src';
import { startMessagingHarness, type MessagingHarness } from './messaging-harness';

describe('consumer stopped gracefully in the middle of a stream (real Postgres and Kafka)', () => {
  let h: MessagingHarness;

  beforeAll(async () => {
    h = await startMessagingHarness('shutdown');
  });
  afterAll(() => h?.close());

  it('commits what it processed, and after restart applies every message exactly once', async () => {
    const topic = await h.newTopic();
    const name = `shutdown-${randomUUID()}`;
    const total = 400;
    const handler = async (e: Envelope, m: ConsumerTransaction) => {
      await m.query(`INSERT INTO ledger (message_id, note) VALUES ($1, $2)`, [e.id, String((e.payload as { seq: number }).seq)]);
      await sleep(2); // some work per message
    };
    const newConsumer = async () =>
      new IdempotentConsumer(h.kafka, await h.producer(), h.dataSource, {
        name,
        topics: [topic],
        handler,
        maxAttempts: 3,
        minBackoffMs: 10,
        maxBackoffMs: 50,
        fromBeginning: true,
      });

    const producer = await h.producer();
    const sending = (async () => {
      for (let seq = 0; seq < total; seq += 10) {
        const messages = Array.from({ length: 10 }, (_, i) => {
          const key = `k${(seq + i) % 7}`;
          return {
            key,
            value: JSON.stringify(
              createEnvelope({ topic, type: 'TestHappened', version: 1, aggregateId: key, payload: { seq: seq + i } }),
            ),
          };
        });
        await producer.send({ topic, messages });
        await sleep(20);
      }
    })();

    const first = await newConsumer();
    await first.start();
    await waitUntil('the first consumer is in the middle of the stream', async () => {
      const [row] = await h.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ledger`);
      return (row?.n ?? 0) > 50;
    });
    await first.stop(); // what SIGTERM does: stop fetching, finish the message in hand, commit
    const [atStop] = await h.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ledger`);
    expect(atStop?.n).toBeLessThan(total);
    // every message applied before the stop has its offset committed, and nothing else
    const admin = h.kafka.admin();
    await admin.connect();
    const [atStopCommitted] = await admin.fetchOffsets({ groupId: name, topics: [topic] });
    await admin.disconnect();
    const committedCount = (atStopCommitted?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    expect(committedCount).toBe(atStop?.n);

    await sending;
    const second = await newConsumer();
    await second.start();
    await waitUntil(
      `all ${total} messages applied`,
      async () => {
        const [row] = await h.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ledger`);
        return row?.n === total;
      },
      { timeoutMs: 30_000 },
    );
    await sleep(500);
    await second.stop();

    const [effects] = await h.dataSource.query<Array<{ n: number; distinct: number }>>(
      `SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS distinct FROM ledger`,
    );
    expect(effects).toEqual({ n: total, distinct: total });

    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: name, topics: [topic] });
    await admin.disconnect();
    const committedBy = new Map(committed?.partitions.map((p) => [p.partition, p.offset]));
    for (const end of ends) expect(committedBy.get(end.partition)).toBe(end.high);
  });
});
