import { randomBytes, randomUUID } from 'node:crypto';
import {
  DlqHeaders,
  IdempotentConsumer,
  NonRetriableError,
  createEnvelope,
  deadLetterTopicOf,
  type ConsumerOutcome,
} from '@shopmesh/messaging';
import { testEnv, waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { POISON_HEADER, deadLettersSince, explainDeadLetters, injectPoison } from './poison';

/**
 * On the real broker, through our own consumer: an injected poison lands on `<topic>.dlq` at once and
 * is explained; a message the consumer rejected by itself is not.
 */
describe('poison messages and their dead letters (real Kafka)', () => {
  const brokers = (testEnv().KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({ clientId: 'chaos-poison-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topic = `test.chaos-poison.${randomBytes(4).toString('hex')}`;
  const runId = `run-${randomBytes(3).toString('hex')}`;
  const outcomes: ConsumerOutcome[] = [];
  let producer: Producer;
  let consumer: IdempotentConsumer;

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [topic, deadLetterTopicOf(topic)].map((t) => ({ topic: t, numPartitions: 3, replicationFactor: 1 })),
    });
    producer = kafka.producer();
    await producer.connect();
    consumer = new IdempotentConsumer(
      kafka,
      producer,
      undefined,
      {
        name: `test-chaos-poison-${randomUUID()}`,
        topics: [topic],
        selfIdempotentHandler: (envelope) => {
          if ((envelope.payload as { reject?: boolean }).reject) throw new NonRetriableError('not a product we sell');
          return Promise.resolve();
        },
        maxAttempts: 3,
        minBackoffMs: 10,
        maxBackoffMs: 50,
        fromBeginning: true,
      },
      undefined,
      (outcome) => void outcomes.push(outcome),
    );
    await consumer.start();
  });
  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await admin.deleteTopics({ topics: [topic, deadLetterTopicOf(topic)] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('sends the poison to the DLQ at once and explains it, not a letter the system made itself', async () => {
    const since = Date.now();
    const unrelated = createEnvelope({ topic, type: 'TestHappened', version: 1, aggregateId: 'p-1', payload: { reject: true } });
    await producer.send({ topic, messages: [{ key: 'p-1', value: JSON.stringify(unrelated) }] });
    await producer.send({
      topic,
      messages: [
        {
          key: 'p-2',
          value: JSON.stringify(createEnvelope({ topic, type: 'TestHappened', version: 1, aggregateId: 'p-2', payload: {} })),
        },
      ],
    });
    const poisons = await injectPoison(kafka, topic, runId, 7);
    expect(poisons).toEqual([
      { topic, key: `chaos-poison-${runId}-7`, id: expect.any(String), at: expect.any(Number), marker: `${runId}-7` },
    ]);

    await waitUntil('both rejected messages are dead-lettered', () => outcomes.filter((o) => o === 'dead-lettered').length >= 2, {
      timeoutMs: 30_000,
    });
    const letters = await deadLettersSince(kafka, [topic], since);
    expect(letters).toHaveLength(2);
    const sut = explainDeadLetters(letters, poisons);

    expect(sut.explained).toHaveLength(1);
    expect(sut.explained[0]).toMatchObject({
      key: poisons[0].key,
      headers: {
        [POISON_HEADER]: `${runId}-7`,
        [DlqHeaders.error]: 'malformed envelope',
        [DlqHeaders.attempts]: '1',
        [DlqHeaders.originalTopic]: topic,
      },
    });
    expect(sut.unexplained).toHaveLength(1);
    expect(sut.unexplained[0]).toMatchObject({ key: 'p-1', headers: { [DlqHeaders.error]: 'not a product we sell' } });
    expect(JSON.parse(sut.unexplained[0].value ?? '{}')).toMatchObject({ id: unrelated.id });
    expect(sut.missing).toEqual([]);
    expect(outcomes).toContain('processed'); // the valid message between them went through

    expect(await deadLettersSince(kafka, [topic], Date.now() + 1000)).toEqual([]);
  });
});
