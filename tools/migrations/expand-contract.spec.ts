import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { destructiveStatementsOf, statementsOf, verdictOf, type MigrationClass, type MigrationVerdict } from './expand-contract';

const APPS_DIR = resolve(__dirname, '../../apps');

/** Every migration class of every app, as `<app>/<file>` → class. */
function allMigrations(): Array<{ id: string; migration: MigrationClass }> {
  return readdirSync(APPS_DIR).flatMap((app) => {
    const dir = resolve(APPS_DIR, app, 'src/database/migrations');
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    } catch {
      return [];
    }
    return files.map((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the list of files is what is checked
      const exported = Object.values(require(resolve(dir, file)) as Record<string, unknown>).filter(
        (v): v is MigrationClass => typeof v === 'function' && typeof (v.prototype as { up?: unknown }).up === 'function',
      );
      if (exported.length !== 1) throw new Error(`${app}/${file} exports ${exported.length} migration classes, not one`);
      return { id: `${app}/${file}`, migration: exported[0] };
    });
  });
}

const rulesOf = (sql: string) => destructiveStatementsOf([sql]).map((s) => s.rule);

describe('every migration of every app is an expand step, or a contract step that says why', () => {
  const migrations = allMigrations();
  let verdicts: Array<{ id: string; verdict: MigrationVerdict }>;

  beforeAll(async () => {
    verdicts = await Promise.all(migrations.map(async ({ id, migration }) => ({ id, verdict: await verdictOf(migration) })));
  });

  it('finds the migrations of the five apps with a database', () => {
    const apps = new Set(migrations.map((m) => m.id.split('/')[0]));
    expect([...apps].sort()).toEqual(['catalog', 'identity', 'inventory', 'orders', 'payments']);
    expect(migrations.length).toBeGreaterThanOrEqual(20);
  });

  it('has no destructive SQL in up() without a contract reason', () => {
    const violations = verdicts.flatMap(({ id, verdict }) =>
      verdict.kind === 'violation'
        ? [`${id}: ${verdict.problem}: ${verdict.statements.map((s) => `[${s.rule}] ${s.statement}`).join(' | ')}`]
        : [],
    );
    expect(violations).toEqual([]);
  });

  it('knows the contract steps already shipped (a new one is added here on purpose, with its reason in the class)', () => {
    const contracts = verdicts.filter((v) => v.verdict.kind === 'contract').map((v) => v.id);
    expect(contracts.sort()).toEqual(['catalog/1764000000000-search-products.ts', 'orders/1765000000000-create-ops-audit.ts']);
  });
});

describe(verdictOf.name, () => {
  const migrationOf = (sql: string[], contract?: unknown): MigrationClass =>
    Object.assign(
      class Sample {
        async up(queryRunner: { query(s: string): Promise<unknown> }) {
          for (const s of sql) await queryRunner.query(s);
        }
      },
      contract === undefined ? {} : { contract },
    );

  it('fails a destructive migration without a reason, passes it with one, refuses a reason that says nothing', async () => {
    const drop = ['ALTER TABLE orders DROP COLUMN payment_token'];
    await expect(verdictOf(migrationOf(drop))).resolves.toMatchObject({
      kind: 'violation',
      statements: [{ rule: 'drop-column', statement: 'ALTER TABLE ORDERS DROP COLUMN PAYMENT_TOKEN' }],
    });
    const reason = 'payment_token has been neither read nor written since release 2026.12';
    await expect(verdictOf(migrationOf(drop, reason))).resolves.toMatchObject({ kind: 'contract', reason });
    await expect(verdictOf(migrationOf(drop, 'safe'))).resolves.toMatchObject({ kind: 'violation' });
  });

  it('passes an expand migration', async () => {
    await expect(
      verdictOf(migrationOf([`ALTER TABLE orders ADD COLUMN origin text NULL CHECK (origin IN ('CART', 'DIRECT'))`])),
    ).resolves.toEqual({ kind: 'expand' });
  });
});

describe(destructiveStatementsOf.name, () => {
  it.each([
    ['DROP TABLE orders', 'drop-object'],
    ['drop index if exists orders_page', 'drop-object'],
    ['DROP FUNCTION products_prefix_query(text)', 'drop-object'],
    ['ALTER TABLE orders DROP COLUMN trace_id', 'drop-column'],
    ['ALTER TABLE orders DROP trace_id', 'drop-column'],
    ['ALTER TABLE orders RENAME COLUMN step TO saga_step', 'rename'],
    ['ALTER TABLE orders RENAME TO purchases', 'rename'],
    ['ALTER INDEX orders_page RENAME TO orders_by_time', 'rename'],
    ['ALTER TABLE orders ALTER COLUMN total_amount TYPE numeric', 'change-type'],
    ['ALTER TABLE orders ALTER total_amount SET DATA TYPE numeric', 'change-type'],
    ['ALTER TABLE orders ALTER COLUMN trace_id SET NOT NULL', 'set-not-null'],
    ['ALTER TABLE orders ALTER COLUMN awaiting DROP DEFAULT', 'drop-default'],
    ['ALTER TABLE orders ADD COLUMN origin text NOT NULL', 'add-not-null-without-default'],
    ['ALTER TABLE orders ADD COLUMN a int NULL, ADD COLUMN b int NOT NULL', 'add-not-null-without-default'],
    ['ALTER TABLE orders DROP CONSTRAINT orders_cancellation_reason_check', 'drop-constraint'],
    ['ALTER TABLE orders ADD CONSTRAINT positive CHECK (total_amount > 0)', 'validated-constraint'],
    ['ALTER TABLE order_lines ADD FOREIGN KEY (order_id) REFERENCES orders (id)', 'validated-constraint'],
    ['ALTER TABLE orders ADD CONSTRAINT one_per_user UNIQUE (user_id)', 'new-uniqueness'],
    ['CREATE UNIQUE INDEX orders_one_per_user ON orders (user_id)', 'new-uniqueness'],
    ['DELETE FROM idempotency_keys', 'delete-rows'],
    ['TRUNCATE outbox', 'delete-rows'],
  ])('%s: %s', (sql, rule) => {
    expect(rulesOf(sql)).toEqual([rule]);
  });

  it.each([
    'CREATE TABLE shipments (id uuid PRIMARY KEY, order_id uuid NOT NULL)',
    'CREATE INDEX orders_deadline ON orders (deadline_at) WHERE deadline_at IS NOT NULL',
    'CREATE INDEX CONCURRENTLY orders_by_trace ON orders (trace_id)',
    `ALTER TABLE orders ADD COLUMN trace_id char(32) NULL CHECK (trace_id ~ '^[0-9a-f]{32}$')`,
    `ALTER TABLE orders ADD COLUMN channel text NOT NULL DEFAULT 'web'`,
    `ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED`,
    'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total_amount > 0) NOT VALID',
    'ALTER TABLE orders VALIDATE CONSTRAINT positive',
    'ALTER TABLE orders ALTER COLUMN payment_token DROP NOT NULL',
    "ALTER TYPE order_status ADD VALUE 'ON_HOLD'",
    "UPDATE orders SET origin = 'CART' WHERE origin IS NULL",
    `CREATE FUNCTION f(word text) RETURNS text LANGUAGE sql AS $$ SELECT 'DROP TABLE orders; DELETE FROM x' $$`,
    "INSERT INTO settings (k, v) VALUES ('drop table', 'rename')",
    '-- DROP TABLE orders\nCREATE INDEX a ON b (c)',
  ])('expand: %s', (sql) => {
    expect(rulesOf(sql)).toEqual([]);
  });

  it('lets a migration shape a table it created itself', () => {
    expect(
      destructiveStatementsOf([
        'CREATE TABLE stock_movements (id bigserial PRIMARY KEY, sku text NOT NULL)',
        'CREATE UNIQUE INDEX stock_movements_once ON stock_movements (sku)',
        "ALTER TABLE stock_movements ADD CONSTRAINT sku_not_empty CHECK (sku <> '')",
      ]),
    ).toEqual([]);
    expect(rulesOf('CREATE UNIQUE INDEX stock_movements_once ON stock_movements (sku)')).toEqual(['new-uniqueness']);
  });

  it('splits one query text into its statements', () => {
    expect(statementsOf("DROP INDEX a;\n  CREATE INDEX a ON t (lower(c)); SELECT ';'")).toEqual([
      'DROP INDEX A',
      'CREATE INDEX A ON T (LOWER(C))',
      "SELECT ''",
    ]);
  });
});
