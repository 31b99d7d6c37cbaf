import { ordersByStatus, findViolations, DEFAULT_RULE_OPTIONS, type RuleOptions, type Violation } from './invariant-rules';
import { readAuditRows, type AuditConnection } from './read-audit-rows';

export interface AuditReport {
  violations: Violation[];
  ordersByStatus: Record<string, { total: number; final: number }>;
  orders: number;
  skus: number;
}

/**
 * Audits PRODUCT.md §4's invariants on the services' own databases: for operators
 * (`npm run check:invariants`) and for tests, which point it at their test databases and
 * expect `violations` to be empty after each scenario.
 */
export async function auditInvariants(conn: AuditConnection, options: Partial<RuleOptions> = {}): Promise<AuditReport> {
  const rows = await readAuditRows(conn);
  return {
    violations: findViolations(rows, { ...DEFAULT_RULE_OPTIONS, ...options }),
    ordersByStatus: ordersByStatus(rows.orders),
    orders: rows.orders.length,
    skus: rows.stock.length,
  };
}

/** The connection of a test env (`testEnv()` plus the suite's database names). */
export const auditConnectionOf = (
  env: Record<string, string | undefined>,
  databases: Partial<AuditConnection['databases']> = {},
): AuditConnection => ({
  host: env.POSTGRES_HOST ?? '127.0.0.1',
  port: Number(env.POSTGRES_PORT ?? 5432),
  user: env.POSTGRES_USER ?? 'postgres',
  password: env.POSTGRES_PASSWORD ?? '',
  databases: {
    orders: databases.orders ?? env.ORDERS_DB_NAME ?? 'shopmesh_orders',
    inventory: databases.inventory ?? env.INVENTORY_DB_NAME ?? 'shopmesh_inventory',
    payments: databases.payments ?? env.PAYMENTS_DB_NAME ?? 'shopmesh_payments',
  },
});
