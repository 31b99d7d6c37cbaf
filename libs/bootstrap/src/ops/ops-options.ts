export const OPS_OPTIONS = Symbol('OPS_OPTIONS');

/** What the ops RPCs of an instance know of it (from its config). */
export interface OpsOptions {
  service: string;
  /** The `host:port` it serves RPC on. */
  address: string;
  /** It has a transactional outbox (Postgres and Kafka). */
  outbox: boolean;
  /** It can keep an audit (its own Postgres, with the `ops_audit` table). */
  audit: boolean;
}
