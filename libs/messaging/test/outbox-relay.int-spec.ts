import { Outbox, OutboxRelay, type NewMessage } from '../src';
import { waitUntil } from '@shopmesh/testing';
import { envelopeOf, startMessagingHarness, type MessagingHarness } from './messaging-harness';

const relayOptions = { batchSize: 100, pollIntervalMs: 20, minBackoffMs: 50, maxBackoffMs: 1000, retentionMs: 3_600_000 };

const message = (topic: string, key: string, seq: number): NewMessage => ({
  topic,
  type: 'TestHappened',
  version: 1,
  aggregateId: key,
  payload: { seq },
});

/** Per key, the sequence numbers in the order they arrived. */
const sequencesByKey = (envelopes: Array<{ aggregateId: string; payload: { seq: number } }>) => {
  const byKey = new Map<string, number[]>();
  for (const e of envelopes) byKey.set(e.aggregateId, [...(byKey.get(e.aggregateId) ?? []), e.payload.seq]);
  return byKey;
};

describe('transactional outbox and relay (real Postgres and Kafka)', () => {
  let h: MessagingHarness;
  const outbox = new Outbox();

  beforeAll(async () => {
    h = await startMessagingHarness('relay');
  });
  afterAll(() => h?.close());

  it('publishes what committed transactions recorded, in order per key, and nothing of a rolled-back one', async () => {
    const topic = await h.newTopic();
    await h.dataSource.transaction((m) =>
      outbox.record(m, [message(topic, 'A', 1), message(topic, 'B', 1), message(topic, 'A', 2)]),
    );
    await h.dataSource.transaction((m) => outbox.record(m, [message(topic, 'A', 3), message(topic, 'B', 2)]));
    await expect(
      h.dataSource.transaction(async (m) => {
        await outbox.record(m, [message(topic, 'A', 99)]);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');

    const relay = new OutboxRelay(h.dataSource, await h.producer(), relayOptions);
    relay.start();
    const received = (await h.readAll(topic, 5)).map(envelopeOf);
    await relay.stop();

    expect(received).toHaveLength(5);
    expect(Object.fromEntries(sequencesByKey(received))).toEqual({ A: [1, 2, 3], B: [1, 2] });
    const [pending] = await h.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    );
    expect(pending?.n).toBe(0);
  });

  it('publishes what a transaction of its own process recorded as soon as it commits, not at the next poll', async () => {
    const topic = await h.newTopic();
    const relay = new OutboxRelay(h.dataSource, await h.producer(), { ...relayOptions, pollIntervalMs: 120_000 });
    relay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 500)); // its first (empty) pass is over: it waits for the poll
      const started = Date.now();
      await h.dataSource.transaction((m) => outbox.record(m, [message(topic, 'A', 1)]));
      const received = (await h.readAll(topic, 1, 15_000)).map(envelopeOf);
      expect(received.map((e) => e.payload.seq)).toEqual([1]);
      expect(Date.now() - started).toBeLessThan(15_000); // far from the two-minute poll
    } finally {
      await relay.stop();
    }
  });

  it('refuses to record outside a transaction', async () => {
    await expect(outbox.record(h.dataSource.manager, [message('t', 'k', 1)])).rejects.toThrow(/inside the transaction/);
  });

  it('with two relays on one outbox publishes every row exactly once, keeping each key in order', async () => {
    const topic = await h.newTopic();
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    const total = 1000;
    for (let batch = 0; batch < total / 50; batch += 1) {
      await h.dataSource.transaction((m) =>
        outbox.record(
          m,
          Array.from({ length: 50 }, (_, i) => {
            const n = batch * 50 + i;
            return message(topic, keys[n % keys.length] ?? 'k', n);
          }),
        ),
      );
    }
    const relays = [
      new OutboxRelay(h.dataSource, await h.producer(), { ...relayOptions, batchSize: 7 }),
      new OutboxRelay(h.dataSource, await h.producer(), { ...relayOptions, batchSize: 7 }),
    ];
    relays.forEach((r) => r.start());
    const received = (await h.readAll(topic, total, 60_000)).map(envelopeOf);
    await Promise.all(relays.map((r) => r.stop()));

    expect(received).toHaveLength(total);
    expect(new Set(received.map((e) => e.id)).size).toBe(total);
    for (const [, seqs] of sequencesByKey(received)) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('keeps unpublished rows and backs off while Kafka refuses them, then publishes them', async () => {
    const topic = await h.newTopic();
    await h.dataSource.transaction((m) => outbox.record(m, [message(`${topic}.missing`, 'A', 1)]));
    const failures: unknown[] = [];
    const relay = new OutboxRelay(h.dataSource, await h.producer(), relayOptions, undefined, (_l, _m, e) => failures.push(e));
    relay.start();
    await waitUntil('the relay reports a failure', () => failures.length > 0, { timeoutMs: 30_000 });
    const [row] = await h.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    );
    expect(row?.n).toBe(1);
    await relay.stop();
    await h.dataSource.query(`DELETE FROM outbox WHERE published_at IS NULL`);
  });

  it('given a producer factory, replaces a producer Kafka keeps refusing (sequence numbers out of order) and publishes', async () => {
    // what a kafkajs idempotent producer can be left in after a broker restart: every send refused,
    // for good, reconnecting does not help (seen in test/e2e/checkout-kafka-faults.e2e-spec.ts)
    const refusing = await h.producer();
    const refused = Object.assign(new Error('The broker received an out of order sequence number'), {
      type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
    jest.spyOn(refusing, 'sendBatch').mockRejectedValue(refused);
    const topic = await h.newTopic();
    await h.dataSource.transaction((m) => outbox.record(m, [message(topic, 'A', 1), message(topic, 'A', 2)]));
    const made: string[] = [];
    const relay = new OutboxRelay(
      h.dataSource,
      () => {
        made.push(made.length === 0 ? 'refusing' : 'fresh');
        return made.length === 1 ? refusing : h.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      },
      relayOptions,
    );
    relay.start();
    const received = (await h.readAll(topic, 2)).map(envelopeOf);
    await relay.stop();
    expect(Object.fromEntries(sequencesByKey(received))).toEqual({ A: [1, 2] });
    expect(made.slice(0, 2)).toEqual(['refusing', 'fresh']);
    expect(made).toHaveLength(2); // renewed once, after the refused pass; kept while it publishes
  });
});
