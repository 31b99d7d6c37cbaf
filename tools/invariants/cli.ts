import { parseArgs } from 'node:util';
import { loadDotEnv } from '@shopmesh/config';
import { auditConnectionOf, auditInvariants } from './audit-invariants';
import { DEFAULT_RULE_OPTIONS } from './invariant-rules';

const USAGE = `usage: npm run check:invariants -- [--orders-db NAME] [--inventory-db NAME] [--payments-db NAME]
       [--host HOST] [--port PORT] [--user USER] [--grace-ms MS] [--pending-max-age-ms MS] [--json]
Reads orders', inventory's and payments' own databases (POSTGRES_*, ORDERS_DB_NAME, INVENTORY_DB_NAME and
PAYMENTS_DB_NAME from the environment or .env; flags win) and prints every violation of the checkout
invariants (PRODUCT.md §4); exits 1 on any, 0 with a summary otherwise.`;

const millis = (value: string | undefined, fallback: number, flag: string): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${flag}: expected milliseconds, got "${value}"\n${USAGE}`);
  return Number(value);
};

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'orders-db': { type: 'string' },
      'inventory-db': { type: 'string' },
      'payments-db': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      'grace-ms': { type: 'string' },
      'pending-max-age-ms': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  loadDotEnv();
  const env = { ...process.env };
  if (values.host) env.POSTGRES_HOST = values.host;
  if (values.port) env.POSTGRES_PORT = values.port;
  if (values.user) env.POSTGRES_USER = values.user;
  const conn = auditConnectionOf(env, {
    orders: values['orders-db'],
    inventory: values['inventory-db'],
    payments: values['payments-db'],
  });
  const report = await auditInvariants(conn, {
    graceMs: millis(values['grace-ms'], DEFAULT_RULE_OPTIONS.graceMs, '--grace-ms'),
    pendingMaxAgeMs: millis(values['pending-max-age-ms'], DEFAULT_RULE_OPTIONS.pendingMaxAgeMs, '--pending-max-age-ms'),
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const v of report.violations) process.stdout.write(`invariant ${v.invariant} ${v.rule} ${v.subject}: ${v.detail}\n`);
    const statuses = Object.entries(report.ordersByStatus)
      .map(([status, c]) => `${status} ${c.total}${c.final === c.total ? '' : ` (${c.total - c.final} still running)`}`)
      .join(', ');
    process.stderr.write(
      `${report.violations.length} violation(s); ${report.orders} order(s)${statuses ? `: ${statuses}` : ''}; ${report.skus} SKU(s) ` +
        `[orders ${conn.databases.orders}, inventory ${conn.databases.inventory}, payments ${conn.databases.payments}]\n`,
    );
  }
  return report.violations.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
