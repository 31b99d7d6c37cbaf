import type { AuditEntry } from '@shopmesh/contracts';

/** What the audit SQL runs on: the data source, or the transaction of the action it records. */
export interface AuditSql {
  query(sql: string, parameters?: readonly unknown[]): Promise<unknown>;
}

/** One operator action to record: who (from the verified actor and the token's email), what, and how it ended. */
export interface AuditRecord {
  actorId: string;
  actorEmail: string;
  action: string;
  target: string;
  outcome: 'applied' | 'unchanged' | 'failed';
  detail?: string;
}

/**
 * The `ops_audit` table of a service: one row per operator action (retry, compensate, redrive…).
 * Call from one of the service's own migrations, like `createMessagingTables`.
 */
export async function createOpsAuditTable(queryRunner: { query(sql: string): Promise<unknown> }): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE ops_audit (
      id bigserial PRIMARY KEY,
      at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
      actor_id uuid NOT NULL,
      actor_email text NOT NULL,
      action text NOT NULL,
      target text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('applied', 'unchanged', 'failed')),
      detail text NULL
    )`);
  await queryRunner.query(`CREATE INDEX ops_audit_at ON ops_audit (at DESC)`);
}

export async function dropOpsAuditTable(queryRunner: { query(sql: string): Promise<unknown> }): Promise<void> {
  await queryRunner.query(`DROP TABLE ops_audit`);
}

/** Records an operator action (in the caller's transaction when it passes one). */
export async function recordAudit(sql: AuditSql, record: AuditRecord): Promise<void> {
  await sql.query(
    `INSERT INTO ops_audit (actor_id, actor_email, action, target, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
    [record.actorId, record.actorEmail, record.action, record.target, record.outcome, record.detail ?? null],
  );
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string;
  actor_email: string;
  action: string;
  target: string;
  outcome: string;
  detail: string | null;
}

/** The latest operator actions of this service, newest first. */
export async function latestAudit(sql: AuditSql, service: string, limit: number): Promise<AuditEntry[]> {
  const rows = <AuditRow[]>await sql.query(
    `SELECT id::text AS id, at, actor_id, actor_email, action, target, outcome, detail
       FROM ops_audit ORDER BY at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: `${service}-${r.id}`,
    service,
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorEmail: r.actor_email,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    detail: r.detail,
  }));
}
