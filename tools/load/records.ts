/** What became of one request, from the client's side. */
export type Outcome =
  | 'ok'
  | 'client-error'
  | 'rate-limited'
  | 'server-error'
  | 'timeout'
  | 'network'
  /** A checkout retried with its Idempotency-Key answered another orderId than the first attempt. */
  | 'mismatch';

export const OUTCOMES: readonly Outcome[] = [
  'ok',
  'client-error',
  'rate-limited',
  'server-error',
  'timeout',
  'network',
  'mismatch',
];

/** One request of the run. */
export interface RequestRecord {
  /** The session it belongs to (its arrival index), -1 for order polls. */
  session: number;
  scenario: string;
  step: string;
  method: string;
  /** The route template, `/v1/products/:id`: what per-route figures group by. */
  route: string;
  /**
   * Epoch ms the latency is measured from: a session's first request counts from its scheduled
   * arrival (so a generator or system that falls behind shows as latency), later ones from when they left.
   */
  startedAt: number;
  ms: number;
  /** HTTP status; 0 when no answer came (timeout, connection refused or reset). */
  status: number;
  outcome: Outcome;
  /** The problem+json `code` of an error answer, or the client's error name (`TimeoutError`, `ECONNREFUSED`). */
  code?: string;
  correlationId: string;
}

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

/** One order the run placed (a 202), and what became of it. */
export interface OrderRecord {
  orderId: string;
  scenario: string;
  via: 'checkout' | 'orders';
  paymentToken: string;
  placedAt: number;
  /** Whether the run asked to cancel it and the cancel was accepted (202). */
  cancelAccepted: boolean;
  /** The last status seen; `PENDING` at the end means it never reached a final one in time. */
  status: OrderStatus;
  step: string;
  reason?: string;
  /** Epoch ms the client saw it final. */
  terminalSeenAt?: number;
  /** The saga's own duration: first to last entry of the order's status history (server times). */
  sagaMs?: number;
}

/** `CONFIRMED`, `CANCELLED <reason>` or `not final`. */
export const orderOutcomeOf = (o: OrderRecord): string =>
  o.terminalSeenAt === undefined ? 'not final' : o.status === 'CANCELLED' ? `CANCELLED ${o.reason ?? '?'}` : o.status;

/** A moment to mark on the report's time charts: a restart, a fault injected. */
export interface LoadEvent {
  at: number;
  label: string;
}

/**
 * A fault that lasted (a process paused, a partition cut): a band across the report's time charts.
 * `kind` groups them (one colour each): `kill`, `pause`, `kafka-restart`, `pg-terminate`, `redis-partition`,
 * `rpc-latency`, `rpc-loss`, `rpc-partition`, `slow-consumer`, `poison`, or any other.
 */
export interface LoadSpan {
  /** Epoch ms. */
  start: number;
  end: number;
  label: string;
  kind: string;
}
