/**
 * `npm run bench:events`: latency from outbox commit to the consumer's handler (p50, p99) and
 * events per second, at fixed rates and at saturation, next to a baseline measured in the same
 * run on the same broker: bare kafkajs produce → consume of the same messages. Ratios are
 * ours / baseline. Real Postgres and Kafka (`npm run infra:up` first, or `npm test` once).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  IdempotentConsumer,
  Outbox,
  OutboxRelay,
  createEnvelope,
  createMessagingTables,
  type RelayOptions,
} from '@shopmesh/messaging';
import { loadInfraConfig } from '../infra/infra-config';
import { perSecond, summarize, type RunResult } from './stats';
import { runBench } from './run-bench';

const RATES = (process.env.BENCH_RATES ?? '200,1000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SATURATION = Number(process.env.BENCH_SATURATION ?? 5000);
const KEYS = 50;

/** The relay's wake-ups compared (`BENCH_WAKES`, default all): poll only, commit wake (the default), NOTIFY. */
const ALL_PIPELINES: Array<{ label: string; wake: RelayOptions['wake'] }> = [
  { label: 'outbox→relay(poll 20 ms)→consumer', wake: 'poll' },
  { label: 'outbox→relay(commit wake, default)→consumer', wake: 'commit' },
  { label: 'outbox→relay(NOTIFY)→consumer', wake: 'notify' },
];
const WAKES = (process.env.BENCH_WAKES ?? 'poll,commit,notify').split(',');
const PIPELINES = ALL_PIPELINES.filter((p) => WAKES.includes(p.wake ?? 'commit'));

const infra = loadInfraConfig();
const kafka = new Kafka({ clientId: 'bench', brokers: infra.kafka.brokers, logLevel: logLevel.NOTHING });
const database = `shopmesh_bench_test_events_${randomBytes(3).toString('hex')}`;

async function admin<T>(sql: string): Promise<T> {
  const client = new Client({ ...infra.postgres, database: 'postgres' });
  await client.connect();
  try {
    return (await client.query(sql)) as T;
  } finally {
    await client.end();
  }
}

const topics: string[] = [];

async function newTopic(): Promise<string> {
  const topic = `bench.events.${randomBytes(4).toString('hex')}`;
  topics.push(topic, `${topic}.dlq`);
  const a = kafka.admin();
  await a.connect();
  await a.createTopics({
    waitForLeaders: true,
    topics: [topic, `${topic}.dlq`].map((t) => ({ topic: t, numPartitions: 3, replicationFactor: 1 })),
  });
  await a.disconnect();
  return topic;
}

const producers: Producer[] = [];

async function producer(): Promise<Producer> {
  const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await p.connect();
  producers.push(p);
  return p;
}

/** Calls `send(i)` `count` times at `rate` per second (or as fast as possible with 8 in flight if rate = 0). */
async function drive(count: number, rate: number, send: (i: number) => Promise<void>): Promise<void> {
  if (rate === 0) {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < count) await send(next++);
      }),
    );
    return;
  }
  const started = performance.now();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < count; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(i));
  }
  await Promise.all(pending);
}

/** Ours: commit state + outbox row → relay → Kafka → idempotent consumer's handler. */
async function runOutbox(
  dataSource: DataSource,
  label: string,
  count: number,
  rate: number,
  wake: RelayOptions['wake'],
): Promise<RunResult> {
  const topic = await newTopic();
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const outbox = new Outbox(wake === 'notify');
  const relay = new OutboxRelay(dataSource, await producer(), {
    batchSize: 500,
    pollIntervalMs: 20,
    minBackoffMs: 100,
    maxBackoffMs: 1000,
    retentionMs: 3_600_000,
    wake,
  });
  const consumer = new IdempotentConsumer(kafka, await producer(), dataSource, {
    name: `bench-${randomBytes(4).toString('hex')}`,
    topics: [topic],
    maxAttempts: 3,
    minBackoffMs: 10,
    maxBackoffMs: 100,
    fromBeginning: true, // a fresh topic: nothing the relay sends before the first fetch may be skipped
    handler: (envelope) => {
      const at = committedAt.get(envelope.id);
      if (at !== undefined) latencies.push(performance.now() - at);
      return Promise.resolve();
    },
  });
  await consumer.start();
  try {
    await waitFor(() => consumer.state === 'running');
    relay.start();
    const started = performance.now();
    await drive(count, rate, async (i) => {
      const key = `k${i % KEYS}`;
      const envelope = await dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO bench_state (k, n) VALUES ($1, $2)`, [key, i]);
        const [e] = await outbox.record(manager, [
          { topic, type: 'BenchHappened', version: 1, aggregateId: key, payload: { i } },
        ]);
        return e;
      });
      if (envelope) committedAt.set(envelope.id, performance.now());
    });
    await waitFor(() => latencies.length >= count, 120_000);
    const seconds = (performance.now() - started) / 1000;
    return summarize(label, latencies, seconds);
  } finally {
    await relay.stop();
    await consumer.stop();
  }
}

/** Baseline: the same messages, bare kafkajs produce (acks=all) → consume, same broker. */
async function runBaseline(label: string, count: number, rate: number): Promise<RunResult> {
  const topic = await newTopic();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: `bench-base-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.run({
    eachMessage: ({ message }) => {
      const id = message.key?.toString().split('|')[1] ?? '';
      const at = sentAt.get(id);
      if (at !== undefined) latencies.push(performance.now() - at);
      return Promise.resolve();
    },
  });
  await waitFor(() => joined);
  const p = await producer();
  const started = performance.now();
  await drive(count, rate, async (i) => {
    const key = `k${i % KEYS}`;
    const envelope = createEnvelope({ topic, type: 'BenchHappened', version: 1, aggregateId: key, payload: { i } });
    sentAt.set(envelope.id, performance.now());
    await p.send({ topic, acks: -1, messages: [{ key: `${key}|${envelope.id}`, value: JSON.stringify(envelope) }] });
  });
  await waitFor(() => latencies.length >= count, 120_000);
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  await p.disconnect();
  return summarize(label, latencies, seconds);
}

async function waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`benchmark run timed out after ${timeoutMs} ms`);
    await sleep(10);
  }
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function table(rows: Array<{ load: string; base: RunResult; runs: RunResult[] }>): string {
  const lines = [
    '| load | pipeline | events/s | p50 ms | p99 ms | events/s ratio | p50 ratio | p99 ratio |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { load, base, runs } of rows) {
    lines.push(
      `| ${load} | ${base.label} | ${fmt(perSecond(base), 0)} | ${fmt(base.p50)} | ${fmt(base.p99)} | 1.00 | 1.00 | 1.00 |`,
    );
    for (const r of runs) {
      lines.push(
        `| ${load} | ${r.label} | ${fmt(perSecond(r), 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(perSecond(r) / perSecond(base), 2)} | ${fmt(r.p50 / base.p50, 2)} | ${fmt(r.p99 / base.p99, 2)} |`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  await admin(`CREATE DATABASE ${database}`);
  const dataSource = new DataSource({
    type: 'postgres',
    host: infra.postgres.host,
    port: infra.postgres.port,
    username: infra.postgres.user,
    password: infra.postgres.password,
    database,
    extra: { max: 20 },
  });
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await createMessagingTables(runner);
    await runner.query(`CREATE TABLE bench_state (id bigserial PRIMARY KEY, k text NOT NULL, n int NOT NULL)`);
    await runner.release();

    process.stderr.write('warming up (untimed)…\n');
    await runBaseline('warm-up', 300, 300);
    for (const { wake } of PIPELINES) await runOutbox(dataSource, 'warm-up', 300, 300, wake);

    const rows: Array<{ load: string; base: RunResult; runs: RunResult[] }> = [];
    const loads = [
      ...RATES.map((rate) => ({ load: `${rate}/s for ${SECONDS} s`, rate, count: rate * SECONDS })),
      { load: `saturation (${SATURATION} msgs, 8 writers)`, rate: 0, count: SATURATION },
    ];
    for (const { load, rate, count } of loads) {
      process.stderr.write(`running ${load}…\n`);
      const base = await runBaseline('kafkajs produce→consume (baseline)', count, rate);
      const runs: RunResult[] = [];
      for (const { label, wake } of PIPELINES) runs.push(await runOutbox(dataSource, label, count, rate, wake));
      rows.push({ load, base, runs });
    }
    process.stdout.write(
      `\n${table(rows)}\n\nratios are ours / baseline of the same load in this run (events/s: higher is better; latency: lower is better)\n`,
    );
  } finally {
    await Promise.allSettled(producers.map((p) => p.disconnect()));
    await dataSource.destroy();
    await cleanUp();
  }
}

/** Drops the bench's database and topics; also on Ctrl-C or SIGTERM, so a killed run leaves nothing behind. */
async function cleanUp(): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  const a = kafka.admin();
  await a.connect();
  await a.deleteTopics({ topics: topics.splice(0) }).catch(() => undefined);
  await a.disconnect();
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    process.stderr.write(`${signal}: dropping ${database} and the bench topics…\n`);
    const deadline = setTimeout(() => process.exit(code), 10_000);
    cleanUp().then(
      () => process.exit(code),
      (error: unknown) => {
        clearTimeout(deadline);
        process.stderr.write(`cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(code);
      },
    );
  });
}

runBench(main);
