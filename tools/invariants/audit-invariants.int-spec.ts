import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, dropTestDatabase, pgConnectionOf, REPO_ROOT, testEnv } from '@shopmesh/testing';
import { auditConnectionOf, auditInvariants } from './audit-invariants';

/**
 * The tables as agreed with the services' authors, written here by hand so that the auditor is
 * tested without the services' own migrations (columns the auditor does not read are left out).
 */
const SCHEMA = {
  orders: `
    CREATE TABLE orders (id uuid PRIMARY KEY, user_id uuid NOT NULL, status text NOT NULL, step text NOT NULL,
      cancellation_reason text, total_amount bigint NOT NULL, currency char(3) NOT NULL, deadline_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE order_lines (order_id uuid NOT NULL REFERENCES orders(id), line_no int NOT NULL, product_id uuid NOT NULL,
      sku text NOT NULL, quantity int NOT NULL, unit_amount bigint NOT NULL, currency char(3) NOT NULL, PRIMARY KEY (order_id, line_no));
    CREATE TABLE order_history (order_id uuid NOT NULL, seq int NOT NULL, status text NOT NULL, step text NOT NULL, reason text,
      at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (order_id, seq));`,
  inventory: `
    CREATE TABLE stock (sku text PRIMARY KEY, on_hand int NOT NULL, reserved int NOT NULL);
    CREATE TABLE reservation_orders (order_id uuid PRIMARY KEY, status text NOT NULL, expires_at timestamptz);
    CREATE TABLE reservations (order_id uuid NOT NULL, sku text NOT NULL, quantity int NOT NULL, status text NOT NULL,
      PRIMARY KEY (order_id, sku));
    CREATE TABLE stock_movements (id bigserial PRIMARY KEY, sku text NOT NULL, order_id uuid, kind text NOT NULL, delta int NOT NULL);`,
  payments: `
    CREATE TABLE payments (order_id uuid PRIMARY KEY, payment_id uuid NOT NULL, status text NOT NULL, amount bigint NOT NULL,
      currency char(3) NOT NULL);
    CREATE TABLE ledger (id bigserial PRIMARY KEY, order_id uuid NOT NULL, payment_id uuid NOT NULL, kind text NOT NULL,
      amount bigint NOT NULL, currency char(3) NOT NULL);
    CREATE TABLE provider_charges (idempotency_key text PRIMARY KEY, order_id uuid NOT NULL, status text NOT NULL,
      amount bigint NOT NULL, refunded_amount bigint NOT NULL DEFAULT 0);`,
} as const;

type Db = keyof typeof SCHEMA;

const USER = '6f1c1f52-0000-4000-8000-000000000001';
const CONFIRMED = '6f1c1f52-0000-4000-8000-00000000c001';
const CANCELLED = '6f1c1f52-0000-4000-8000-00000000c002';
const PAY_1 = '6f1c1f52-0000-4000-8000-00000000a001';
const PAY_2 = '6f1c1f52-0000-4000-8000-00000000a002';
const PRODUCT = '6f1c1f52-0000-4000-8000-00000000b001';

/** A confirmed order of 2 × SKU-A and an order cancelled after payment (refunded, stock released). */
const CONSISTENT: Record<Db, string> = {
  orders: `
    INSERT INTO orders (id, user_id, status, step, cancellation_reason, total_amount, currency, deadline_at) VALUES
      ('${CONFIRMED}', '${USER}', 'CONFIRMED', 'CONFIRMED', NULL, 2000, 'EUR', NULL),
      ('${CANCELLED}', '${USER}', 'CANCELLED', 'CANCELLED', 'CANCELLED_BY_USER', 1000, 'EUR', NULL);
    INSERT INTO order_lines VALUES ('${CONFIRMED}', 1, '${PRODUCT}', 'SKU-A', 2, 1000, 'EUR'),
      ('${CANCELLED}', 1, '${PRODUCT}', 'SKU-A', 1, 1000, 'EUR');
    INSERT INTO order_history (order_id, seq, status, step) VALUES ('${CONFIRMED}', 1, 'PENDING', 'PENDING'),
      ('${CONFIRMED}', 2, 'CONFIRMED', 'CONFIRMED');`,
  inventory: `
    INSERT INTO stock VALUES ('SKU-A', 3, 0);
    INSERT INTO reservation_orders VALUES ('${CONFIRMED}', 'COMMITTED', now()), ('${CANCELLED}', 'RELEASED', now());
    INSERT INTO reservations VALUES ('${CONFIRMED}', 'SKU-A', 2, 'COMMITTED'), ('${CANCELLED}', 'SKU-A', 1, 'RELEASED');
    INSERT INTO stock_movements (sku, order_id, kind, delta) VALUES ('SKU-A', NULL, 'SET', 5), ('SKU-A', '${CONFIRMED}', 'COMMIT', -2);`,
  payments: `
    INSERT INTO payments VALUES ('${CONFIRMED}', '${PAY_1}', 'CAPTURED', 2000, 'EUR'), ('${CANCELLED}', '${PAY_2}', 'REFUNDED', 1000, 'EUR');
    INSERT INTO ledger (order_id, payment_id, kind, amount, currency) VALUES ('${CONFIRMED}', '${PAY_1}', 'CAPTURE', 2000, 'EUR'),
      ('${CANCELLED}', '${PAY_2}', 'CAPTURE', 1000, 'EUR'), ('${CANCELLED}', '${PAY_2}', 'REFUND', 1000, 'EUR');
    INSERT INTO provider_charges VALUES ('${CONFIRMED}', '${CONFIRMED}', 'APPROVED', 2000, 0),
      ('${CANCELLED}', '${CANCELLED}', 'APPROVED', 1000, 1000);`,
};

describe('auditInvariants on real databases', () => {
  const env = testEnv();
  const conn = pgConnectionOf(env);
  const databases: Record<Db, string> = { orders: '', inventory: '', payments: '' };

  const exec = async (db: Db, sql: string): Promise<void> => {
    const client = new Client({ ...conn, database: databases[db] });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    for (const db of Object.keys(SCHEMA) as Db[]) {
      databases[db] = await createTestDatabase(conn, `shopmesh_${db}`, 'invariants');
      await exec(db, SCHEMA[db]);
      await exec(db, CONSISTENT[db]);
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(databases).map((name) => (name ? dropTestDatabase(conn, name) : Promise.resolve())));
  });

  const audit = () => auditInvariants(auditConnectionOf(env, databases));
  const cli = (...args: string[]) =>
    spawnSync(
      resolve(REPO_ROOT, 'node_modules/.bin/tsx'),
      [
        resolve(REPO_ROOT, 'tools/invariants/cli.ts'),
        '--orders-db',
        databases.orders,
        '--inventory-db',
        databases.inventory,
        '--payments-db',
        databases.payments,
        ...args,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
    );

  it('finds no violation in consistent rows, and the CLI says so with counts by status (exit 0)', async () => {
    const report = await audit();
    expect(report).toEqual({
      violations: [],
      ordersByStatus: { CONFIRMED: { total: 1, final: 1 }, CANCELLED: { total: 1, final: 1 } },
      orders: 2,
      skus: 1,
    });
    const run = cli();
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: '' });
    expect(run.stderr).toContain('0 violation(s); 2 order(s): CONFIRMED 1, CANCELLED 1; 1 SKU(s)');
  });

  it('reports what breaks the invariants, and the CLI prints each and exits 1', async () => {
    const stuck = '6f1c1f52-0000-4000-8000-00000000c003';
    const stranger = '6f1c1f52-0000-4000-8000-00000000c0ff';
    await exec(
      'orders',
      `INSERT INTO orders (id, user_id, status, step, total_amount, currency, deadline_at, created_at) VALUES
         ('${stuck}', '${USER}', 'PENDING', 'STOCK_RESERVED', 1000, 'EUR', now() - interval '5 minutes', now() - interval '6 minutes');
       INSERT INTO order_lines VALUES ('${stuck}', 1, '${PRODUCT}', 'SKU-A', 1, 1000, 'EUR');`,
    );
    await exec('inventory', `UPDATE stock SET reserved = 1 WHERE sku = 'SKU-A'`); // no RESERVED reservation holds it
    await exec(
      'payments',
      `INSERT INTO provider_charges VALUES ('again', '${CONFIRMED}', 'APPROVED', 2000, 0);
       INSERT INTO ledger (order_id, payment_id, kind, amount, currency) VALUES ('${stranger}', '${PAY_1}', 'CAPTURE', 5, 'EUR');
       UPDATE ledger SET amount = 400 WHERE order_id = '${CANCELLED}' AND kind = 'REFUND';`,
    );
    const { violations } = await audit();
    expect(violations.map((v) => `${v.invariant} ${v.rule} ${v.subject}`).sort()).toEqual([
      `1 ORDER_PAST_DEADLINE ${stuck}`,
      `2 STOCK_RESERVED_MISMATCH SKU-A`,
      `4 CANCELLED_WITH_NET_CHARGE ${CANCELLED}`,
      `5 CHARGED_TWICE ${CONFIRMED}`,
      `5 UNKNOWN_ORDER ${stranger}`,
    ]);
    const run = cli('--grace-ms', '1000');
    expect(run.status).toBe(1);
    expect(run.stdout.trim().split('\n')).toHaveLength(5);
    expect(run.stdout).toMatch(
      new RegExp(`invariant 1 ORDER_PAST_DEADLINE ${stuck}: step STOCK_RESERVED is 3\\d\\d s past its deadline`), // 300 s, plus however long this test has run
    );
    expect(run.stderr).toContain('5 violation(s); 3 order(s): CONFIRMED 1, CANCELLED 1, PENDING 1 (1 still running)');
    // a longer grace forgives the late order, nothing else
    expect(cli('--grace-ms', '600000').stdout.trim().split('\n')).toHaveLength(4);
  });
});
