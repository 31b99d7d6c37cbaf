import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { REPO_ROOT, waitUntil } from '@shopmesh/testing';
import { IdempotentConsumer, OutboxRelay, type ConsumerTransaction, type Envelope } from '../src';
import { startMessagingHarness, type MessagingHarness } from './messaging-harness';

describe('crash between commit and publish (real process, Postgres, Kafka)', () => {
  let h: MessagingHarness;

  beforeAll(async () => {
    h = await startMessagingHarness('crash');
  });
  afterAll(() => h?.close());

  it('publishes after restart what a killed process committed, and its effect happens once', async () => {
    const topic = await h.newTopic();
    const died = spawnSync(
      process.execPath,
      ['--import', 'tsx', resolve(__dirname, 'fixtures/commit-then-die.ts'), h.database, topic, 'survivor'],
      {
        env: { ...process.env, ...h.env },
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(`${died.signal} ${died.stderr.slice(0, 800)}`).toBe('SIGKILL ');
    const pending = await h.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    );
    expect(pending[0]?.n).toBe(1);

    // "after restart": a relay (publishing twice, as a crash after send would) and a consumer
    const effects: string[] = [];
    const consumer = new IdempotentConsumer(h.kafka, await h.producer(), h.dataSource, {
      name: `crash-${randomUUID()}`,
      topics: [topic],
      handler: async (e: Envelope, m: ConsumerTransaction) => {
        await m.query(`INSERT INTO ledger (message_id, note) VALUES ($1, $2)`, [
          e.id,
          `effect:${String((e.payload as { note: string }).note)}`,
        ]);
        effects.push(e.id);
      },
      maxAttempts: 3,
      minBackoffMs: 10,
      maxBackoffMs: 50,
      fromBeginning: true,
    });
    await consumer.start();
    const relay = new OutboxRelay(h.dataSource, await h.producer(), {
      batchSize: 10,
      pollIntervalMs: 20,
      minBackoffMs: 50,
      maxBackoffMs: 500,
      retentionMs: 3_600_000,
    });
    await relay.publishPending();
    await h.dataSource.query(`UPDATE outbox SET published_at = NULL`); // as if the crash came after the send, before the commit
    await relay.publishPending();

    await waitUntil('the effect is applied', async () => {
      const rows = await h.dataSource.query<Array<{ note: string }>>(`SELECT note FROM ledger WHERE note LIKE 'effect:%'`);
      return rows.length > 0;
    });
    await new Promise((r) => setTimeout(r, 1000)); // the second delivery arrives and is skipped
    await consumer.stop();
    const notes = (await h.dataSource.query<Array<{ note: string }>>(`SELECT note FROM ledger ORDER BY id`)).map((r) => r.note);
    expect(notes).toEqual(['state:survivor', 'effect:survivor']);
    expect(effects).toHaveLength(1);
  });
});
