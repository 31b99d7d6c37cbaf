import { Client } from 'pg';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createTestDatabase, dropTestDatabase, pgConnectionOf, testEnv, waitUntil } from '@shopmesh/testing';
import { Outbox, OutboxRelay, createMessagingTables, type RelayOptions } from '../src';
import { envelopeOf, startMessagingHarness, type MessagingHarness } from './messaging-harness';

const STOP_TIMEOUT_MS = 500;
const notifyRelay: RelayOptions = {
  batchSize: 100,
  pollIntervalMs: 60_000, // only NOTIFY wakes it in time
  minBackoffMs: 50,
  maxBackoffMs: 1000,
  retentionMs: 3_600_000,
  wake: 'notify',
  stopTimeoutMs: STOP_TIMEOUT_MS,
};

/** A Kafka that accepts the connection and then never answers a send. */
const hungProducer = (): Producer =>
  ({
    events: { DISCONNECT: 'producer.disconnect' },
    on: () => () => undefined,
    connect: () => Promise.resolve(),
    sendBatch: () => new Promise(() => undefined),
  }) as unknown as Producer;

const connectionsTo = async (database: string): Promise<number> => {
  const client = new Client({ ...pgConnectionOf(testEnv()), database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [
      database,
    ]);
    return rows[0]?.n ?? -1;
  } finally {
    await client.end();
  }
};

const listeners = async (dataSource: DataSource): Promise<number> => {
  const [row] = await dataSource.query<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
  );
  return row?.n ?? -1;
};

describe('stopping a NOTIFY relay releases its LISTEN connection (real Postgres and Kafka)', () => {
  let h: MessagingHarness;

  beforeAll(async () => {
    h = await startMessagingHarness('relay_stop');
  });
  afterAll(() => h?.close());

  it('publishes on NOTIFY, stops promptly and leaves no listening connection', async () => {
    const topic = await h.newTopic();
    const relay = new OutboxRelay(h.dataSource, await h.producer(), notifyRelay);
    relay.start();
    await waitUntil('the relay listens', async () => (await listeners(h.dataSource)) === 1);
    await h.dataSource.transaction((m) =>
      new Outbox(true).record(m, [{ topic, type: 'TestHappened', version: 1, aggregateId: 'A', payload: { seq: 1 } }]),
    );
    expect((await h.readAll(topic, 1, 10_000)).map(envelopeOf).map((e) => e.payload.seq)).toEqual([1]);

    const started = Date.now();
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    await waitUntil('the LISTEN connection is gone', async () => (await listeners(h.dataSource)) === 0);
  });
});

describe('stopping a NOTIFY relay whose Kafka never answers (real Postgres)', () => {
  it('resolves within stopTimeoutMs, and destroying the data source leaves no connection', async () => {
    const env = testEnv();
    const conn = pgConnectionOf(env);
    const database = await createTestDatabase(conn, 'shopmesh_messaging', 'relay_hung');
    const dataSource = new DataSource({
      type: 'postgres',
      ...{ host: conn.host, port: conn.port, username: conn.user, password: conn.password },
      database,
      extra: { max: 5 },
    });
    try {
      await dataSource.initialize();
      const runner = dataSource.createQueryRunner();
      await createMessagingTables(runner);
      await runner.release();
      const relay = new OutboxRelay(dataSource, hungProducer(), notifyRelay);
      relay.start();
      await waitUntil('the relay listens', async () => (await listeners(dataSource)) === 1);
      await dataSource.transaction((m) =>
        new Outbox(true).record(m, [{ topic: 't', type: 'TestHappened', version: 1, aggregateId: 'A', payload: {} }]),
      );
      // the relay is now stuck in a send that never ends, inside its transaction
      await waitUntil('the relay is in its batch', async () => {
        const [row] = await dataSource.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`,
        );
        return row?.n === 1;
      });

      const started = Date.now();
      await relay.stop();
      expect(Date.now() - started).toBeLessThan(STOP_TIMEOUT_MS + 500);
      expect(await listeners(dataSource)).toBe(0);

      await expect(Promise.race([dataSource.destroy().then(() => 'destroyed'), sleep(3000)])).resolves.toBe('destroyed');
      await waitUntil('no connection is left', async () => (await connectionsTo(database)) === 0);
    } finally {
      if (dataSource.isInitialized) await Promise.race([dataSource.destroy(), sleep(1000)]);
      await dropTestDatabase(conn, database);
    }
  }, 20_000);
});

const sleep = (ms: number): Promise<string> => new Promise((r) => setTimeout(() => r('timed out'), ms).unref());
