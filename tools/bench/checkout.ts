/**
 * `npm run bench:checkout`: the checkout saga end to end, every app a real process from `dist/`
 * (`npm run build` first) on fresh test databases.
 *
 * - **saturation**: `BENCH_CONCURRENCY` (default 64) clients, each placing an order (tok_visa, one
 *   unit of a product with ample stock) and waiting on its event stream until it is final, again and
 *   again for `BENCH_SECONDS`: confirmed orders/s, and saga latency (202 → the CONFIRMED event).
 * - **open loop** at 25, 50 and 75 % of that rate (orders leave on a schedule, answered or not):
 *   saga latency p50/p99 where the saga is not the bottleneck.
 * - **pgbench** in the same run, on a scratch database: a transaction mix comparable to one order's
 *   writes across the three services (order, lines, history, reservation, stock, ledger), as the
 *   ceiling the database alone would allow.
 * - the invariants (`npm run check:invariants`) on the run's databases at the end.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, dropTestDatabase, pgConnectionOf, readSse } from '@shopmesh/testing';
import { CheckoutClient } from '../../test/e2e/checkout-client';
import { startPlatform } from '../../test/e2e/platform';
import { auditConnectionOf, auditInvariants } from '../invariants/audit-invariants';
import { runBench } from './run-bench';
import { percentile } from './stats';
import { Teardown } from './teardown';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const CUSTOMERS = 50;

interface SagaRun {
  label: string;
  confirmed: number;
  other: Record<string, number>;
  seconds: number;
  latencies: number[];
}

/** Places one order and follows its event stream to the end: the outcome and the 202 → final latency. */
async function oneSaga(client: CheckoutClient, token: string, productId: string): Promise<{ outcome: string; ms: number }> {
  const started = performance.now();
  const placed = await client.place(token, client.orderBody(productId, 1, 'tok_visa'));
  if (placed.status !== 202) return { outcome: `HTTP ${placed.status}`, ms: performance.now() - started };
  const { orderId } = (await placed.json()) as { orderId: string };
  const stream = await readSse(`${client.api}/v1/orders/${orderId}/events`, { token, timeoutMs: 120_000 });
  const last = stream.events.at(-1);
  const entry = last ? (JSON.parse(last.data) as { status: string; reason?: string }) : undefined;
  const outcome = !stream.ended ? 'no end' : entry ? `${entry.status}${entry.reason ? ` ${entry.reason}` : ''}` : 'no event';
  return { outcome, ms: performance.now() - started };
}

function record(run: SagaRun, result: { outcome: string; ms: number }): void {
  if (result.outcome === 'CONFIRMED') {
    run.confirmed += 1;
    run.latencies.push(result.ms);
  } else run.other[result.outcome] = (run.other[result.outcome] ?? 0) + 1;
}

async function saturation(client: CheckoutClient, tokens: string[], productId: string): Promise<SagaRun> {
  const run: SagaRun = { label: `saturation (${CONCURRENCY} clients)`, confirmed: 0, other: {}, seconds: SECONDS, latencies: [] };
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      while (performance.now() < until) record(run, await oneSaga(client, tokens[i % tokens.length] ?? '', productId));
    }),
  );
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

async function openLoop(
  client: CheckoutClient,
  tokens: string[],
  productId: string,
  rate: number,
  label: string,
): Promise<SagaRun> {
  const run: SagaRun = { label, confirmed: 0, other: {}, seconds: SECONDS, latencies: [] };
  const total = Math.max(1, Math.round(rate * SECONDS));
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(oneSaga(client, tokens[i % tokens.length] ?? '', productId).then((r) => record(run, r)));
  }
  await Promise.all(inFlight);
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

/** One order's writes across the services, as one pgbench transaction each (ids from pgbench's random()). */
const PGBENCH_SCHEMA = `
  CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text, step text, total_amount bigint, deadline_at timestamptz, version int);
  CREATE TABLE order_lines (order_id bigint, line_no int, sku text, quantity int, unit_amount bigint, PRIMARY KEY (order_id, line_no));
  CREATE TABLE order_history (order_id bigint, seq int, status text, step text, at timestamptz, PRIMARY KEY (order_id, seq));
  CREATE TABLE outbox (id bigserial PRIMARY KEY, payload jsonb, published_at timestamptz);
  CREATE TABLE stock (sku text PRIMARY KEY, on_hand bigint, reserved bigint);
  CREATE TABLE reservations (order_id bigint, sku text, quantity int, status text, PRIMARY KEY (order_id, sku));
  CREATE TABLE ledger (id bigserial PRIMARY KEY, order_id bigint, kind text, amount bigint);
  INSERT INTO stock SELECT 'SKU-' || g, 1000000000, 0 FROM generate_series(1, 100) g;`;
const PGBENCH_SCRIPT = `
\\set id random(1, 1000000000000)
\\set sku random(1, 100)
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

/** pgbench's tps for the mix above (one "transaction" = one order's seven), or why it could not run. */
async function pgbenchTps(env: Record<string, string>, teardown: Teardown): Promise<string> {
  if (spawnSync('pgbench', ['--version']).status !== 0) {
    return 'pgbench not found (Debian: apt-get install postgresql-client, or the postgresql-contrib of your server)';
  }
  const conn = pgConnectionOf(env);
  const database = await createTestDatabase(conn, 'shopmesh_bench', 'pgbench');
  teardown.add(`drop ${database}`, () => dropTestDatabase(conn, database));
  const pg = { PGHOST: conn.host, PGPORT: String(conn.port), PGUSER: conn.user, PGPASSWORD: conn.password, PGDATABASE: database };
  const psql = spawnSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-c', PGBENCH_SCHEMA], {
    env: { ...process.env, ...pg },
    encoding: 'utf8',
  });
  if (psql.status !== 0) return `psql failed: ${psql.stderr.trim()}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-checkout-'));
  teardown.add(`delete ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'order.sql'), PGBENCH_SCRIPT);
  const run = spawnSync(
    'pgbench',
    ['-n', '-c', '8', '-j', '2', '-T', String(Math.min(SECONDS, 15)), '-f', join(dir, 'order.sql')],
    {
      env: { ...process.env, ...pg },
      encoding: 'utf8',
    },
  );
  const tps = /tps = ([\d.]+)/.exec(run.stdout)?.[1];
  return tps ? `${Number(tps).toFixed(0)} orders' writes/s (8 clients)` : `pgbench failed: ${run.stderr.trim().slice(-500)}`;
}

const row = (r: SagaRun): string => {
  const other =
    Object.entries(r.other)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '—';
  return `| ${r.label} | ${(r.confirmed / r.seconds).toFixed(1)} | ${percentile(r.latencies, 50).toFixed(0)} | ${percentile(r.latencies, 99).toFixed(0)} | ${r.confirmed} | ${other} |`;
};

async function main(): Promise<void> {
  const teardown = new Teardown();
  teardown.onSignals();
  try {
    const platform = await startPlatform('bench_checkout', {
      LOG_LEVEL: 'warn',
      RPC_TIMEOUT_MS: '5000',
      ORDER_STEP_TIMEOUT_MS: '60000',
    });
    teardown.add('stop the platform and drop its databases', () => platform.stop());
    const client = new CheckoutClient(platform);
    const admin = await client.admin();
    const product = await client.product(admin, 1_000_000_000);
    const tokens = await Promise.all(Array.from({ length: CUSTOMERS }, () => client.customer()));
    process.stderr.write('warm-up…\n');
    await Promise.all(Array.from({ length: 8 }, () => oneSaga(client, tokens[0] ?? '', product.id)));

    const runs = [await saturation(client, tokens, product.id)];
    const saturated = (runs[0]?.confirmed ?? 0) / (runs[0]?.seconds ?? 1);
    for (const share of [0.25, 0.5, 0.75]) {
      const rate = Math.max(0.5, saturated * share);
      runs.push(await openLoop(client, tokens, product.id, rate, `open loop ${rate.toFixed(1)}/s (${share * 100} %)`));
    }
    const pgbench = await pgbenchTps(platform.env, teardown);
    const audit = await auditInvariants(auditConnectionOf(platform.env, platform.databases));

    process.stdout.write(
      '\n| load | confirmed/s | saga p50 ms | saga p99 ms | confirmed | other outcomes |\n| --- | --- | --- | --- | --- | --- |\n',
    );
    for (const r of runs) process.stdout.write(`${row(r)}\n`);
    process.stdout.write(`\npgbench, the same writes without the services: ${pgbench}\n`);
    process.stdout.write(
      `invariants after the run: ${audit.violations.length} violation(s) over ${audit.orders} orders ${JSON.stringify(audit.ordersByStatus)}\n`,
    );
    for (const v of audit.violations.slice(0, 20))
      process.stdout.write(`  invariant ${v.invariant} ${v.rule} ${v.subject}: ${v.detail}\n`);
  } finally {
    await teardown.run();
  }
}

runBench(main);
