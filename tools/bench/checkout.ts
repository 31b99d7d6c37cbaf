/**
 * `npm run bench:checkout`: the checkout saga end to end, every app a real process from `dist/`
 * (`npx nest build` first) on fresh test databases and a Kafka broker of the bench's own
 * (`PrivateKafka`: the apps join fixed consumer groups, which must not meet other suites' processes).
 *
 * For each variant (`BENCH_VARIANTS`, comma-separated names of {@link VARIANTS}; default all), a fresh
 * platform, then:
 * - **warm-up**: `BENCH_WARMUP_SECONDS` (default 8) of closed-loop orders, discarded.
 * - **saturation**: `BENCH_CONCURRENCY` (default 48) clients, each placing an order (tok_visa, one unit
 *   of one of 16 products with ample stock) and following its event stream until it is final, again
 *   and again for `BENCH_SECONDS` (default 20): confirmed orders/s.
 * - **open loop** at 25, 50 and 75 % of that rate (orders leave on a schedule, answered or not), each
 *   at least `BENCH_SECONDS` and long enough for `BENCH_MIN_SAMPLES` (default 300) orders: saga
 *   latency, accepted (the 202 received) → the CONFIRMED event received, p50/p99.
 * - **commits**: `pg_stat_database.xact_commit` deltas of the inventory, orders and payments databases
 *   over each phase (read after a settle pause, so every backend has flushed its counters) ÷ confirmed
 *   orders; and the same less the idle rate (empty relay passes) measured beforehand × the phase's time,
 *   an upper bound on what the empty passes took (under load a relay idles less).
 * - **where the time goes** (the 50 % phase's orders): from what the databases recorded, per message
 *   of the saga: outbox insert → published (outbox wait + relay send, the send's mean from the relay's
 *   `outbox_publish_duration_seconds`), published → the consumer's transaction start
 *   (`processed_messages.processed_at`: broker, fetch, queueing), that start → the insert of the reply
 *   it caused (handler); and `order_history`'s per-step durations.
 * - the invariants (`npm run check:invariants`) on the run's databases at the end of each variant.
 *
 * Then **pgbench** on a scratch database, with no platform running: a transaction mix comparable to
 * one order's writes (seven transactions: order, reservation, payment, the three step updates and the
 * confirmation, each with its outbox row), 8 clients, as the machine's commit ceiling.
 * Ratios: commits per confirmed order, and (orders/s × commits per order) ÷ pgbench commits/s.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateDevKeyPair } from '@shopmesh/auth';
import { createTestDatabase, dropTestDatabase, pgConnectionOf, readSse, testEnv } from '@shopmesh/testing';
import { Client } from 'pg';
import { CheckoutClient } from '../../test/e2e/checkout-client';
import { startPlatform, type Platform } from '../../test/e2e/platform';
import { auditConnectionOf, auditInvariants } from '../invariants/audit-invariants';
import { PrivateKafka } from '../infra/private-kafka';
import { runBench } from './run-bench';
import { processCpuMs } from './process-cpu';
import { percentile } from './stats';
import { Teardown } from './teardown';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 48);
const MIN_SAMPLES = Number(process.env.BENCH_MIN_SAMPLES ?? 300);
const MAX_PHASE_SECONDS = 90;
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 20);
/** Longer than Postgres's 10 s idle-flush of a backend's pending statistics. */
const SETTLE_MS = 11_000;
const CUSTOMERS = 20;
const PRODUCTS = 16;
const SERVICE_DBS = ['inventory', 'orders', 'payments'] as const;

/** The variants compared in one run: variables of every app on top of the bench's. */
const VARIANTS: Record<string, { env: Record<string, string>; scale?: Partial<Record<'inventory' | 'orders', number>> }> = {
  // before the relay's commit wake and the consumers' batches: what issue 12 started from
  'before: poll only + a transaction per message': { env: { OUTBOX_WAKE: 'poll', CONSUMER_BATCH_SIZE: '1' } },
  'after: commit wake + batches (default)': { env: { OUTBOX_WAKE: 'commit', CONSUMER_BATCH_SIZE: '100' } },
  // the default, with two instances of orders and of inventory (their groups' partitions, lanes and calls split)
  'after + orders and inventory ×2': {
    env: { OUTBOX_WAKE: 'commit', CONSUMER_BATCH_SIZE: '100' },
    scale: { orders: 2, inventory: 2 },
  },
};

const wallNow = (): number => performance.timeOrigin + performance.now();

interface Sample {
  orderId?: string;
  outcome: string;
  /** Wall-clock ms: request sent, 202 received, final event received. */
  sent: number;
  accepted?: number;
  final?: number;
}

interface Phase {
  label: string;
  seconds: number;
  samples: Sample[];
  /** `xact_commit` delta over the phase and its settle pause, every commit (relay passes that found nothing included). */
  commits?: number;
  /** That delta less the idle rate × the same time: an upper bound on what the empty relay passes took. */
  netCommits?: number;
  /** CPU ms of each app over the phase (its settle pause included). */
  cpu?: Record<string, number>;
  /** The machine's 1-minute load average at the end of the phase (other suites share it). */
  load?: number;
}

const APPS = ['gateway', 'identity', 'catalog', 'cart', 'inventory', 'orders', 'payments'] as const;

const confirmedOf = (p: Phase): Sample[] => p.samples.filter((s) => s.outcome === 'CONFIRMED');
const sagaMs = (p: Phase): number[] => confirmedOf(p).map((s) => (s.final ?? 0) - (s.accepted ?? 0));

/** Places one order and follows its event stream to the end. */
async function oneSaga(client: CheckoutClient, token: string, productId: string): Promise<Sample> {
  const sample: Sample = { outcome: 'error', sent: wallNow() };
  try {
    const placed = await client.place(token, client.orderBody(productId, 1, 'tok_visa'));
    if (placed.status !== 202) {
      sample.outcome = `HTTP ${placed.status}`;
      return sample;
    }
    sample.accepted = wallNow();
    const { orderId } = (await placed.json()) as { orderId: string };
    sample.orderId = orderId;
    const stream = await readSse(`${client.api}/v1/orders/${orderId}/events`, { token, timeoutMs: 120_000 });
    sample.final = wallNow();
    const last = stream.events.at(-1);
    const entry = last ? (JSON.parse(last.data) as { status: string; reason?: string }) : undefined;
    sample.outcome = !stream.ended ? 'no end' : entry ? `${entry.status}${entry.reason ? ` ${entry.reason}` : ''}` : 'no event';
  } catch (error) {
    sample.outcome = `error ${error instanceof Error ? error.message : String(error)}`.slice(0, 80);
  }
  return sample;
}

interface Bench {
  platform: Platform;
  client: CheckoutClient;
  tokens: string[];
  products: string[];
}

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length];

async function closedLoop(b: Bench, seconds: number, label: string): Promise<Phase> {
  const phase: Phase = { label, seconds, samples: [] };
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const i = n++;
        phase.samples.push(await oneSaga(b.client, pick(b.tokens, i), pick(b.products, i)));
      }
    }),
  );
  phase.seconds = (performance.now() - started) / 1000;
  return phase;
}

async function openLoop(b: Bench, rate: number, label: string): Promise<Phase> {
  const seconds = Math.min(MAX_PHASE_SECONDS, Math.max(SECONDS, MIN_SAMPLES / rate));
  const phase: Phase = { label, seconds, samples: [] };
  const total = Math.max(1, Math.round(rate * seconds));
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i += 1) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(oneSaga(b.client, pick(b.tokens, i), pick(b.products, i)).then((s) => void phase.samples.push(s)));
  }
  await Promise.all(inFlight);
  phase.seconds = total / rate; // the offered schedule; the rate is the offered one
  return phase;
}

/** Sum of `xact_commit` of the three service databases (read from the `postgres` database). */
async function commitsOf(admin: Client, databases: string[]): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    `SELECT sum(xact_commit)::bigint AS n FROM pg_stat_database WHERE datname = ANY($1)`,
    [databases],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Sum and count of a histogram in a Prometheus text exposition. */
async function histogramOf(url: string, name: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (suffix: string): number =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}_${suffix}`))
      .reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
  return { sum: read('sum'), count: read('count') };
}

interface Hop {
  label: string;
  values: number[];
}

const fmt = (v: number): string => (Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : v.toFixed(0)) : '—');
const hopRow = (h: Hop): string =>
  `| ${h.label} | ${fmt(percentile(h.values, 50))} | ${fmt(percentile(h.values, 99))} | ${h.values.length} |`;

/** Per-hop durations of the given orders' sagas, from the outbox, processed-message and history rows. */
async function hopsOf(platform: Platform, orderIds: string[], relaySendMs: Record<string, number>): Promise<Hop[]> {
  const conn = pgConnectionOf(platform.env);
  const clients = Object.fromEntries(
    await Promise.all(
      SERVICE_DBS.map(async (name) => {
        const c = new Client({ ...conn, database: platform.databases[name] });
        await c.connect();
        return [name, c] as const;
      }),
    ),
  ) as Record<(typeof SERVICE_DBS)[number], Client>;
  try {
    const history = await clients.orders.query<{ order_id: string; seq: number; step: string; at: Date; correlation_id: string }>(
      `SELECT h.order_id, h.seq, h.step, h.at, o.correlation_id FROM order_history h JOIN orders o ON o.id = h.order_id
        WHERE h.order_id = ANY($1::uuid[]) ORDER BY h.order_id, h.seq`,
      [orderIds],
    );
    const correlations = [...new Set(history.rows.map((r) => r.correlation_id))];
    interface Row {
      service: string;
      id: string;
      type: string;
      causation: string | null;
      created: number;
      published: number | null;
    }
    const outbox: Row[] = [];
    const processed = new Map<string, number>();
    for (const service of SERVICE_DBS) {
      const o = await clients[service].query<{
        id: string;
        type: string;
        causation: string | null;
        created_at: Date;
        published_at: Date | null;
      }>(
        `SELECT id, envelope->>'type' AS type, envelope->>'causationId' AS causation, created_at, published_at FROM outbox
          WHERE envelope->>'correlationId' = ANY($1)`,
        [correlations],
      );
      for (const r of o.rows)
        outbox.push({
          service,
          id: r.id,
          type: r.type,
          causation: r.causation,
          created: r.created_at.getTime(),
          published: r.published_at?.getTime() ?? null,
        });
    }
    // a message is consumed in another service's database: look every id up in each
    for (const service of SERVICE_DBS) {
      const p = await clients[service].query<{ message_id: string; at: Date }>(
        `SELECT message_id, min(processed_at) AS at FROM processed_messages WHERE message_id = ANY($1::uuid[]) GROUP BY message_id`,
        [outbox.map((r) => r.id)],
      );
      for (const r of p.rows) processed.set(r.message_id, Math.min(processed.get(r.message_id) ?? Infinity, r.at.getTime()));
    }
    const byCause = new Map(outbox.filter((r) => r.causation).map((r) => [r.causation as string, r]));
    const hops = new Map<string, number[]>();
    const add = (label: string, v: number | undefined): void => {
      if (v === undefined || !Number.isFinite(v)) return;
      hops.set(label, [...(hops.get(label) ?? []), v]);
    };
    // the saga's messages in their order, then the others
    const order = [
      'ReserveStock',
      'StockReserved',
      'AuthorizePayment',
      'PaymentAuthorized',
      'CommitStock',
      'StockCommitted',
      'OrderConfirmed',
    ];
    const types = [...new Set(outbox.map((r) => r.type))].sort(
      (a, b) => ((order.indexOf(a) + 99) % 99) - ((order.indexOf(b) + 99) % 99),
    );
    for (const type of types) {
      for (const r of outbox.filter((x) => x.type === type)) {
        const consumed = processed.get(r.id);
        const reply = byCause.get(r.id);
        const send = relaySendMs[r.service] ?? 0;
        if (r.published !== null) {
          add(`${type} (${r.service}): outbox wait (insert → claimed, est.)`, r.published - r.created - send);
        }
        if (r.published !== null && consumed !== undefined)
          add(`${type}: published → consumer tx start (broker, fetch, queue)`, consumed - r.published);
        if (consumed !== undefined && reply)
          add(`${type}: consumer tx start → ${reply.type} inserted (handler)`, reply.created - consumed);
      }
    }
    const result: Hop[] = [];
    for (const service of SERVICE_DBS)
      if (relaySendMs[service] !== undefined)
        result.push({ label: `relay send of a batch, ${service} (mean, every batch)`, values: [relaySendMs[service]] });
    for (const [label, values] of hops) result.push({ label, values });
    // order_history step → step
    const steps = new Map<string, number[]>();
    const byOrder = new Map<string, typeof history.rows>();
    for (const r of history.rows) byOrder.set(r.order_id, [...(byOrder.get(r.order_id) ?? []), r]);
    for (const rows of byOrder.values()) {
      for (let i = 1; i < rows.length; i += 1) {
        const a = rows[i - 1];
        const b = rows[i];
        if (!a || !b) continue;
        const label = `history ${a.step} → ${b.step}`;
        steps.set(label, [...(steps.get(label) ?? []), b.at.getTime() - a.at.getTime()]);
      }
      const first = rows[0];
      const last = rows.at(-1);
      if (first && last && last.step === 'CONFIRMED') {
        steps.set('history PENDING → CONFIRMED (server side)', [
          ...(steps.get('history PENDING → CONFIRMED (server side)') ?? []),
          last.at.getTime() - first.at.getTime(),
        ]);
      }
    }
    for (const [label, values] of steps) result.push({ label, values });
    return result;
  } finally {
    await Promise.all(Object.values(clients).map((c) => c.end()));
  }
}

interface VariantResult {
  variant: string;
  phases: Phase[];
  idleCommitsPerSecond: number;
  hops: Hop[];
  clientHops: Hop[];
  invariants: string;
}

async function runVariant(
  variant: string,
  { env: overrides, scale }: (typeof VARIANTS)[string],
  shared: Record<string, string>,
  teardown: Teardown,
): Promise<VariantResult> {
  process.stderr.write(`\n== ${variant}: starting the platform…\n`);
  const platform = await startPlatform(
    'bench_checkout',
    {
      LOG_LEVEL: 'warn',
      RPC_TIMEOUT_MS: '5000',
      ORDER_STEP_TIMEOUT_MS: '60000',
      ...shared,
      ...overrides,
    },
    {},
    scale,
  );
  // every process, the further instances of a scaled service included (`orders#2`)
  const processes: Array<[string, { pid?: number }]> = [
    ...APPS.map((a) => [a, platform[a]] as [string, { pid?: number }]),
    ...platform.extra.map((e) => [e.name, e.app] as [string, { pid?: number }]),
  ];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await platform.stop();
  };
  teardown.add(`stop the ${variant} platform and drop its databases`, stop);
  const admin = new Client({ ...pgConnectionOf(platform.env), database: 'postgres' });
  await admin.connect();
  try {
    const client = new CheckoutClient(platform);
    const adminToken = await client.admin();
    const products = await Promise.all(
      Array.from({ length: PRODUCTS }, async () => (await client.product(adminToken, 1_000_000_000)).id),
    );
    const tokens: string[] = [];
    // a few at a time: argon2 logins on 2 cores answer 503 when fifty arrive at once
    while (tokens.length < CUSTOMERS) tokens.push(...(await Promise.all(Array.from({ length: 4 }, () => client.customer()))));
    const b: Bench = { platform, client, tokens, products };
    const databases = SERVICE_DBS.map((s) => platform.databases[s]);

    process.stderr.write(`warm-up ${WARMUP_SECONDS} s…\n`);
    await closedLoop(b, WARMUP_SECONDS, 'warm-up');
    await sleep(SETTLE_MS);
    const idle0 = await commitsOf(admin, databases);
    const idleStart = performance.now();
    await sleep(SETTLE_MS);
    const idleCommitsPerSecond = ((await commitsOf(admin, databases)) - idle0) / ((performance.now() - idleStart) / 1000);

    const measured = async (run: () => Promise<Phase>): Promise<Phase> => {
      const before = await commitsOf(admin, databases);
      const cpuBefore = processes.map(([, p]) => processCpuMs(p.pid));
      const t0 = performance.now();
      const phase = await run();
      phase.load = loadavg()[0];
      await sleep(SETTLE_MS);
      const elapsed = (performance.now() - t0) / 1000;
      phase.commits = (await commitsOf(admin, databases)) - before;
      phase.netCommits = phase.commits - idleCommitsPerSecond * elapsed;
      phase.cpu = Object.fromEntries(processes.map(([a, p], i) => [a, processCpuMs(p.pid) - (cpuBefore[i] ?? 0)]));
      process.stderr.write(`${phase.label}: ${confirmedOf(phase).length} confirmed in ${phase.seconds.toFixed(1)} s\n`);
      return phase;
    };

    const sat = await measured(() => closedLoop(b, SECONDS, `saturation (${CONCURRENCY} clients, closed loop)`));
    const saturated = confirmedOf(sat).length / sat.seconds;
    const phases = [sat];
    let hops: Hop[] = [];
    let clientHops: Hop[] = [];
    for (const share of [0.25, 0.5, 0.75]) {
      const rate = Math.max(0.5, saturated * share);
      const relayBefore = await Promise.all(
        SERVICE_DBS.map((s) => histogramOf(platform[s].url, 'outbox_publish_duration_seconds')),
      );
      const phase = await measured(() => openLoop(b, rate, `open loop ${rate.toFixed(1)}/s (${share * 100} %)`));
      phases.push(phase);
      if (share === 0.5) {
        const relayAfter = await Promise.all(
          SERVICE_DBS.map((s) => histogramOf(platform[s].url, 'outbox_publish_duration_seconds')),
        );
        const relaySendMs = Object.fromEntries(
          SERVICE_DBS.map((s, i) => {
            const a = relayAfter[i];
            const z = relayBefore[i];
            return [s, a.count > z.count ? ((a.sum - z.sum) / (a.count - z.count)) * 1000 : 0];
          }),
        );
        const ids = confirmedOf(phase).flatMap((s) => (s.orderId ? [s.orderId] : []));
        hops = await hopsOf(platform, ids, relaySendMs);
        clientHops = await clientHopsOf(platform, confirmedOf(phase));
      }
    }
    const audit = await auditInvariants(auditConnectionOf(platform.env, platform.databases));
    const invariants =
      `${audit.violations.length} violation(s) over ${audit.orders} orders ${JSON.stringify(audit.ordersByStatus)}` +
      audit.violations
        .slice(0, 10)
        .map((v) => `\n  invariant ${v.invariant} ${v.rule} ${v.subject}: ${v.detail}`)
        .join('');
    return { variant, phases, idleCommitsPerSecond, hops, clientHops, invariants };
  } finally {
    await admin.end();
    await stop();
  }
}

/** The edges the databases do not see: 202 → PENDING recorded, CONFIRMED recorded → the client has the event. */
async function clientHopsOf(platform: Platform, samples: Sample[]): Promise<Hop[]> {
  const c = new Client({ ...pgConnectionOf(platform.env), database: platform.databases.orders });
  await c.connect();
  try {
    const { rows } = await c.query<{ order_id: string; step: string; at: Date }>(
      `SELECT order_id, step, at FROM order_history WHERE order_id = ANY($1::uuid[]) AND step IN ('PENDING', 'CONFIRMED')`,
      [samples.map((s) => s.orderId)],
    );
    const at = new Map(rows.map((r) => [`${r.order_id} ${r.step}`, r.at.getTime()]));
    const sent: number[] = [];
    const notified: number[] = [];
    for (const s of samples) {
      const pending = at.get(`${s.orderId} PENDING`);
      const confirmed = at.get(`${s.orderId} CONFIRMED`);
      if (pending !== undefined) sent.push(pending - s.sent);
      if (confirmed !== undefined && s.final !== undefined) notified.push(s.final - confirmed);
    }
    return [
      { label: 'client: POST sent → PENDING recorded (gateway, RPC, order transaction start)', values: sent },
      { label: 'client: CONFIRMED recorded → its event received (commit, NOTIFY, SSE)', values: notified },
    ];
  } finally {
    await c.end();
  }
}

/** One order's writes across the services, as pgbench transactions (ids from pgbench's random()). */
const PGBENCH_SCHEMA = `
  CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text, step text, total_amount bigint, deadline_at timestamptz, version int);
  CREATE TABLE order_lines (order_id bigint, line_no int, sku text, quantity int, unit_amount bigint, PRIMARY KEY (order_id, line_no));
  CREATE TABLE order_history (order_id bigint, seq int, status text, step text, at timestamptz, PRIMARY KEY (order_id, seq));
  CREATE TABLE outbox (id bigserial PRIMARY KEY, payload jsonb, published_at timestamptz);
  CREATE TABLE stock (sku text PRIMARY KEY, on_hand bigint, reserved bigint);
  CREATE TABLE reservations (order_id bigint, sku text, quantity int, status text, PRIMARY KEY (order_id, sku));
  CREATE TABLE ledger (id bigserial PRIMARY KEY, order_id bigint, kind text, amount bigint);
  INSERT INTO stock SELECT 'SKU-' || g, 1000000000, 0 FROM generate_series(1, ${PRODUCTS}) g;`;
const PGBENCH_SCRIPT = `
\\set id random(1, 1000000000000)
\\set sku random(1, ${PRODUCTS})
BEGIN;
INSERT INTO orders VALUES (:id, 1, 'PENDING', 'PENDING', 1250, now() + interval '15 s', 1);
INSERT INTO order_lines VALUES (:id, 1, 'SKU-' || :sku, 1, 1250);
INSERT INTO order_history VALUES (:id, 1, 'PENDING', 'PENDING', now());
INSERT INTO outbox (payload) VALUES ('{"type":"ReserveStock"}');
COMMIT;
BEGIN;
UPDATE stock SET reserved = reserved + 1 WHERE sku = 'SKU-' || :sku AND on_hand - reserved >= 1;
INSERT INTO reservations VALUES (:id, 'SKU-' || :sku, 1, 'RESERVED');
INSERT INTO outbox (payload) VALUES ('{"type":"StockReserved"}');
COMMIT;
BEGIN;
UPDATE orders SET step = 'STOCK_RESERVED', version = version + 1 WHERE id = :id AND version = 1;
INSERT INTO order_history VALUES (:id, 2, 'PENDING', 'STOCK_RESERVED', now());
INSERT INTO outbox (payload) VALUES ('{"type":"AuthorizePayment"}');
COMMIT;
BEGIN;
INSERT INTO ledger (order_id, kind, amount) VALUES (:id, 'CAPTURE', 1250);
INSERT INTO outbox (payload) VALUES ('{"type":"PaymentAuthorized"}');
COMMIT;
BEGIN;
UPDATE orders SET step = 'PAYMENT_AUTHORIZED', version = version + 1 WHERE id = :id AND version = 2;
INSERT INTO order_history VALUES (:id, 3, 'PENDING', 'PAYMENT_AUTHORIZED', now());
INSERT INTO outbox (payload) VALUES ('{"type":"CommitStock"}');
COMMIT;
BEGIN;
UPDATE stock SET on_hand = on_hand - 1, reserved = reserved - 1 WHERE sku = 'SKU-' || :sku;
UPDATE reservations SET status = 'COMMITTED' WHERE order_id = :id;
INSERT INTO outbox (payload) VALUES ('{"type":"StockCommitted"}');
COMMIT;
BEGIN;
UPDATE orders SET status = 'CONFIRMED', step = 'CONFIRMED', deadline_at = NULL, version = version + 1 WHERE id = :id AND version = 3;
INSERT INTO order_history VALUES (:id, 4, 'CONFIRMED', 'CONFIRMED', now());
INSERT INTO outbox (payload) VALUES ('{"type":"OrderConfirmed"}');
COMMIT;
`;
const PGBENCH_COMMITS = (PGBENCH_SCRIPT.match(/^COMMIT;$/gm) ?? []).length;

/** pgbench's commits/s for the mix above (its tps × the commits of one script run), or why it could not run. */
async function pgbenchCommits(
  env: Record<string, string>,
  teardown: Teardown,
): Promise<{ commitsPerSecond: number; note: string }> {
  if (spawnSync('pgbench', ['--version']).status !== 0) {
    return { commitsPerSecond: NaN, note: 'pgbench not found (Debian: apt-get install postgresql-client)' };
  }
  const conn = pgConnectionOf(env);
  const database = await createTestDatabase(conn, 'shopmesh_bench', 'pgbench');
  teardown.add(`drop ${database}`, () => dropTestDatabase(conn, database));
  const pg = { PGHOST: conn.host, PGPORT: String(conn.port), PGUSER: conn.user, PGPASSWORD: conn.password, PGDATABASE: database };
  const psql = spawnSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-c', PGBENCH_SCHEMA], {
    env: { ...process.env, ...pg },
    encoding: 'utf8',
  });
  if (psql.status !== 0) return { commitsPerSecond: NaN, note: `psql failed: ${psql.stderr.trim()}` };
  const dir = mkdtempSync(join(tmpdir(), 'bench-checkout-'));
  teardown.add(`delete ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'order.sql'), PGBENCH_SCRIPT);
  const run = spawnSync('pgbench', ['-n', '-c', '8', '-j', '2', '-T', String(PGBENCH_SECONDS), '-f', join(dir, 'order.sql')], {
    env: { ...process.env, ...pg },
    encoding: 'utf8',
  });
  const tps = /tps = ([\d.]+)/.exec(run.stdout)?.[1];
  if (!tps) return { commitsPerSecond: NaN, note: `pgbench failed: ${run.stderr.trim().slice(-500)}` };
  return {
    commitsPerSecond: Number(tps) * PGBENCH_COMMITS,
    note: `${Number(tps).toFixed(0)} order mixes/s × ${PGBENCH_COMMITS} commits (8 clients, ${PGBENCH_SECONDS} s)`,
  };
}

async function main(): Promise<void> {
  const teardown = new Teardown();
  teardown.onSignals();
  try {
    const kafka = await PrivateKafka.create();
    teardown.add('stop the private Kafka and delete its data', () => kafka.destroy());
    process.stderr.write(`private Kafka at ${kafka.brokers}…\n`);
    await kafka.start();
    const keysDir = mkdtempSync(join(tmpdir(), 'shopmesh-bench-keys-'));
    teardown.add('remove the access-token keys', () => rmSync(keysDir, { recursive: true, force: true }));
    const keys = generateDevKeyPair(keysDir);
    const shared = {
      KAFKA_BROKERS: kafka.brokers,
      JWT_PRIVATE_KEY_FILE: keys.privateKeyPath,
      JWT_PUBLIC_KEY_FILE: keys.publicKeyPath,
    };
    const names = (process.env.BENCH_VARIANTS ?? Object.keys(VARIANTS).join(',')).split(',').map((s) => s.trim());
    const results: VariantResult[] = [];
    for (const name of names) {
      const overrides = VARIANTS[name];
      if (!overrides) throw new Error(`unknown variant ${name} (known: ${Object.keys(VARIANTS).join(', ')})`);
      const r = await runVariant(name, overrides, shared, teardown);
      results.push(r);
    }
    process.stderr.write('\npgbench…\n');
    const pgbench = await pgbenchCommits(testEnv(), teardown);

    const out = (s: string): boolean => process.stdout.write(`${s}\n`);
    out(`\npgbench, the same writes without the services: ${pgbench.note} = ${fmt(pgbench.commitsPerSecond)} commits/s`);
    out(
      '\n| variant | load | confirmed/s | saga p50 ms | saga p99 ms | confirmed | other outcomes | commits/order (all; net of idle polls) | (orders/s × commits/order) ÷ pgbench commits/s (all; net) |',
    );
    out('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of results) {
      for (const p of r.phases) {
        const confirmed = confirmedOf(p).length;
        const other: Record<string, number> = {};
        for (const s of p.samples) if (s.outcome !== 'CONFIRMED') other[s.outcome] = (other[s.outcome] ?? 0) + 1;
        const perOrder = (p.commits ?? NaN) / confirmed;
        const netPerOrder = (p.netCommits ?? NaN) / confirmed;
        const rate = confirmed / p.seconds;
        const lat = sagaMs(p);
        out(
          `| ${r.variant} | ${p.label} | ${rate.toFixed(1)} | ${fmt(percentile(lat, 50))} | ${fmt(percentile(lat, 99))} | ${confirmed} | ${
            Object.entries(other)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ') || '—'
          } | ${perOrder.toFixed(1)}; ${netPerOrder.toFixed(1)} | ${((rate * perOrder) / pgbench.commitsPerSecond).toFixed(2)}; ${((rate * netPerOrder) / pgbench.commitsPerSecond).toFixed(2)} |`,
        );
      }
    }
    out('\n| variant | load | machine load avg (1 min) | CPU ms per confirmed order, by app |\n| --- | --- | --- | --- |');
    for (const r of results)
      for (const p of r.phases) {
        const n = confirmedOf(p).length;
        const cpu = Object.entries(p.cpu ?? {})
          .map(([a, ms]) => `${a} ${(ms / n).toFixed(1)}`)
          .join(', ');
        out(`| ${r.variant} | ${p.label} | ${p.load?.toFixed(1)} | ${cpu} |`);
      }
    for (const r of results) {
      out(
        `\n${r.variant}: idle commits/s (relay polls, subtracted) ${r.idleCommitsPerSecond.toFixed(0)}; invariants: ${r.invariants}`,
      );
      out(`\n| ${r.variant}, 50 % phase: hop | p50 ms | p99 ms | n |\n| --- | --- | --- | --- |`);
      for (const h of [...r.clientHops, ...r.hops]) out(hopRow(h));
    }
  } finally {
    await teardown.run();
  }
}

runBench(main);
