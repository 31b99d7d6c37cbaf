import { randomBytes } from 'node:crypto';
import { Kafka, Partitioners, logLevel, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createTestDatabase, dropTestDatabase, pgConnectionOf, testEnv, waitUntil } from '@shopmesh/testing';
import { createMessagingTables } from '../src';

class MessagingFixture1763900000000 implements MigrationInterface {
  name = 'MessagingFixture1763900000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner);
    await queryRunner.query(`CREATE TABLE ledger (id serial PRIMARY KEY, message_id uuid NOT NULL, note text NOT NULL)`);
  }
  async down(): Promise<void> {}
}

/** A test database with an outbox, real Kafka, and helpers to make topics and read them. */
export interface MessagingHarness {
  env: Record<string, string>;
  database: string;
  dataSource: DataSource;
  kafka: Kafka;
  producer(): Promise<Producer>;
  newTopic(): Promise<string>;
  readAll(topic: string, count: number, timeoutMs?: number): Promise<KafkaMessage[]>;
  close(): Promise<void>;
}

export async function startMessagingHarness(suite: string): Promise<MessagingHarness> {
  const env = testEnv();
  const conn = pgConnectionOf(env);
  const database = await createTestDatabase(conn, 'shopmesh_messaging', suite);
  const dataSource = new DataSource({
    type: 'postgres',
    ...{ host: conn.host, port: conn.port, username: conn.user, password: conn.password },
    database,
    migrations: [MessagingFixture1763900000000],
    extra: { max: 20 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  const kafka = new Kafka({
    clientId: `test-${suite}`,
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  const topics: string[] = [];
  return {
    env,
    database,
    dataSource,
    kafka,
    async producer() {
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      producers.push(producer);
      return producer;
    },
    async newTopic() {
      const topic = `test.${suite}.${randomBytes(4).toString('hex')}`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        waitForLeaders: true,
        topics: [topic, `${topic}.dlq`].map((t) => ({ topic: t, numPartitions: 3, replicationFactor: 1 })),
      });
      await admin.disconnect();
      topics.push(topic, `${topic}.dlq`);
      return topic;
    },
    async readAll(topic, count, timeoutMs = 20_000) {
      const consumer = kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}` });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen: KafkaMessage[] = [];
      await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void seen.push(message)) });
      await waitUntil(`${count} messages on ${topic} (have ${seen.length})`, () => seen.length >= count, { timeoutMs });
      await new Promise((r) => setTimeout(r, 300)); // anything beyond `count` would show up now
      await consumer.disconnect();
      return seen;
    },
    async close() {
      await Promise.allSettled([...producers, ...consumers].map((c) => c.disconnect()));
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
      await dataSource.destroy();
      await dropTestDatabase(conn, database);
    },
  };
}

export const envelopeOf = (
  m: KafkaMessage,
): { id: string; aggregateId: string; payload: { seq: number; [k: string]: unknown } } =>
  JSON.parse(m.value?.toString() ?? '{}') as { id: string; aggregateId: string; payload: { seq: number } };
