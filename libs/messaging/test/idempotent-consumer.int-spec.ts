import { randomUUID } from 'node:crypto';
import { waitUntil } from '@shopmesh/testing';
import {
  DlqHeaders,
  IdempotentConsumer,
  NonRetriableError,
  createEnvelope,
  listDeadLetters,
  redriveDeadLetters,
  type ConsumerTransaction,
  type Envelope,
} from '../src';
import { startMessagingHarness, type MessagingHarness } from './messaging-harness';

const ledgerNotes = async (h: MessagingHarness): Promise<string[]> =>
  (await h.dataSource.query<Array<{ note: string }>>(`SELECT note FROM ledger ORDER BY id`)).map((r) => r.note);

const record = async (envelope: Envelope, tx: ConsumerTransaction): Promise<void> => {
  await tx.query(`INSERT INTO ledger (message_id, note) VALUES ($1, $2)`, [
    envelope.id,
    String((envelope.payload as { note: string }).note),
  ]);
};

describe('idempotent consumer (real Postgres and Kafka)', () => {
  let h: MessagingHarness;
  const consumers: IdempotentConsumer[] = [];

  beforeAll(async () => {
    h = await startMessagingHarness('consumer');
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await h.dataSource.query(`TRUNCATE ledger, processed_messages`);
  });
  afterAll(() => h?.close());

  const startConsumer = async (
    topic: string,
    handler: (e: Envelope, m: ConsumerTransaction) => Promise<void>,
    maxAttempts = 3,
  ) => {
    const consumer = new IdempotentConsumer(h.kafka, await h.producer(), h.dataSource, {
      name: `test-${randomUUID()}`,
      topics: [topic],
      handler,
      maxAttempts,
      minBackoffMs: 10,
      maxBackoffMs: 50,
      fromBeginning: true,
    });
    consumers.push(consumer);
    await consumer.start();
    return consumer;
  };

  it('applies a message delivered three times exactly once', async () => {
    const topic = await h.newTopic();
    const envelope = createEnvelope({ topic, type: 'TestHappened', version: 1, aggregateId: 'A', payload: { note: 'once' } });
    const producer = await h.producer();
    const value = JSON.stringify(envelope);
    for (let i = 0; i < 3; i += 1) await producer.send({ topic, messages: [{ key: 'A', value }] });
    await producer.send({
      topic,
      messages: [
        {
          key: 'A',
          value: JSON.stringify(
            createEnvelope({ topic, type: 'TestHappened', version: 1, aggregateId: 'A', payload: { note: 'after' } }),
          ),
        },
      ],
    });

    await startConsumer(topic, record);
    await waitUntil('the message after the duplicates is applied', async () => (await ledgerNotes(h)).includes('after'));
    expect(await ledgerNotes(h)).toEqual(['once', 'after']);
  });

  it('sends a poison message to the DLQ after the configured attempts, moves on, and redrive brings it back', async () => {
    const topic = await h.newTopic();
    const producer = await h.producer();
    let healed = false;
    let poisonAttempts = 0;
    const handler = async (e: Envelope, m: ConsumerTransaction) => {
      const { note } = e.payload as { note: string };
      if (note === 'poison' && !healed) {
        poisonAttempts += 1;
        throw new Error('the handler cannot apply this yet');
      }
      if (note === 'invalid') throw new NonRetriableError('payload breaks a rule');
      await record(e, m);
    };
    const send = (note: string) =>
      producer.send({
        topic,
        messages: [
          {
            key: 'same-key',
            value: JSON.stringify(
              createEnvelope({ topic, type: 'TestHappened', version: 1, aggregateId: 'same-key', payload: { note } }),
            ),
            headers: { origin: 'test' },
          },
        ],
      });
    await send('first');
    await send('poison');
    await producer.send({ topic, messages: [{ key: 'same-key', value: 'this is not an envelope' }] });
    await send('invalid');
    await send('last');

    await startConsumer(topic, handler, 3);
    await waitUntil('later messages on the partition are applied', async () => (await ledgerNotes(h)).includes('last'));
    expect(await ledgerNotes(h)).toEqual(['first', 'last']);
    expect(poisonAttempts).toBe(3);

    const letters = await waitUntil('three dead letters', async () => {
      const l = await listDeadLetters(h.kafka, topic);
      return l.length === 3 && l;
    });
    const byError = Object.fromEntries(letters.map((l) => [l.headers[DlqHeaders.error], l.headers]));
    expect(byError['the handler cannot apply this yet']).toMatchObject({
      [DlqHeaders.attempts]: '3',
      [DlqHeaders.originalTopic]: topic,
      origin: 'test',
    });
    expect(byError['malformed envelope']).toMatchObject({ [DlqHeaders.attempts]: '1' });
    expect(byError['payload breaks a rule']).toMatchObject({ [DlqHeaders.attempts]: '1' });

    healed = true;
    await expect(redriveDeadLetters(h.kafka, topic)).resolves.toBe(3);
    await waitUntil('the redriven poison message is applied', async () => (await ledgerNotes(h)).includes('poison'));
    expect(await ledgerNotes(h)).toEqual(['first', 'last', 'poison']);
    // the two letters that still fail come back to the DLQ; the ones redriven are not sent again
    await waitUntil(
      'the still-failing letters are dead-lettered again',
      async () => (await listDeadLetters(h.kafka, topic)).length === 5,
    );
    await expect(redriveDeadLetters(h.kafka, topic)).resolves.toBe(2);
  });
  it('applies the messages of a partition that arrive together in one transaction; a failing one goes on alone, the rest once', async () => {
    const topic = await h.newTopic();
    const producer = await h.producer();
    let poisonRuns = 0;
    const handler = async (e: Envelope, m: ConsumerTransaction) => {
      if ((e.payload as { note: string }).note === 'poison') {
        poisonRuns += 1;
        throw new Error('cannot apply');
      }
      await record(e, m);
    };
    const envelopes = ['1', '2', 'poison', '3', '4'].map((note) =>
      createEnvelope({ topic, type: 'TestHappened', version: 1, aggregateId: 'one-key', payload: { note } }),
    );
    const [first, second, poison, third, fourth] = envelopes as [Envelope, Envelope, Envelope, Envelope, Envelope];
    // one produce request, so that the consumer's first fetch brings them all (with a duplicate of the second)
    await producer.send({
      topic,
      messages: [first, second, second, poison, third, fourth].map((e) => ({ key: 'one-key', value: JSON.stringify(e) })),
    });

    const consumer = await startConsumer(topic, handler, 3);
    await waitUntil('the messages after the failing one are applied', async () => (await ledgerNotes(h)).includes('4'));
    expect(await ledgerNotes(h)).toEqual(['1', '2', '3', '4']);
    expect(poisonRuns).toBe(3); // its run in the chunk counts as its first attempt
    await waitUntil('the failing one is dead-lettered', async () => (await listDeadLetters(h.kafka, topic)).length === 1);

    // a transaction's now() is its start: messages applied together share one
    const startedAt = await h.dataSource.query<Array<{ message_id: string; at: string }>>(
      `SELECT message_id, processed_at::text AS at FROM processed_messages WHERE consumer = $1`,
      [consumer.options.name],
    );
    const at = new Map(startedAt.map((r) => [r.message_id, r.at]));
    expect(at.has(poison.id)).toBe(false);
    expect(at.get(first.id)).toBe(at.get(second.id));
    expect(at.get(third.id)).toBe(at.get(fourth.id));
    expect(at.get(first.id)).not.toBe(at.get(third.id));
  });

  it('starting at the end, a new group still gets what was sent to any partition while it was stopped', async () => {
    // the group consumed nothing before it stopped: without pinned start offsets it would restart at
    // the then end of each partition and skip these messages
    const topic = await h.newTopic();
    const name = `test-${randomUUID()}`;
    const options = { name, topics: [topic], handler: record, maxAttempts: 3, minBackoffMs: 10, maxBackoffMs: 50 };
    const producer = await h.producer();
    const send = (note: string, key: string) =>
      producer.send({
        topic,
        messages: [
          {
            key,
            value: JSON.stringify(
              createEnvelope({ topic, type: 'TestHappened', version: 1, aggregateId: key, payload: { note } }),
            ),
          },
        ],
      });
    await send('before the group', 'A'); // before the group existed: starting at the end skips it
    const first = new IdempotentConsumer(h.kafka, producer, h.dataSource, options);
    await first.start();
    await first.stop();
    const keys = ['A', 'B', 'C', 'D', 'E', 'F'];
    for (const key of keys) await send(`while stopped ${key}`, key); // six keys: on every partition
    const second = new IdempotentConsumer(h.kafka, producer, h.dataSource, options);
    consumers.push(second);
    await second.start();
    await waitUntil('every message sent while stopped is applied', async () => (await ledgerNotes(h)).length >= keys.length);
    expect((await ledgerNotes(h)).sort()).toEqual(keys.map((k) => `while stopped ${k}`));
  });
});
