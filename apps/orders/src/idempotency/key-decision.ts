/** What a request with an Idempotency-Key may be for (each scope answers its own RPC). */
export type IdempotencyScope = 'orders' | 'checkout';

/** A key as stored, when a new request finds it taken. */
export interface ExistingKey {
  scope: IdempotencyScope;
  requestHash: string;
  state: 'IN_PROGRESS' | 'COMPLETED';
  responseStatus: number | null;
  responseBody: unknown;
  updatedAt: Date;
  expiresAt: Date;
}

export type KeyDecision =
  { kind: 'replay'; status: number; body: unknown } | { kind: 'reused' } | { kind: 'in-progress' } | { kind: 'take-over' };

/** An IN_PROGRESS key untouched for this long belongs to a request that crashed: the next one takes it over. */
export const STALE_CLAIM_MS = 30_000;

/**
 * What a request does when its (user, key) is taken: an expired key is free again; another body
 * (or the other POST) is a misuse of the key; a completed one is answered as it was the first
 * time; one still running is a concurrent duplicate, unless its holder went silent.
 */
export function decideOnExistingKey(
  existing: ExistingKey,
  request: { scope: IdempotencyScope; requestHash: string },
  now: Date,
  staleAfterMs = STALE_CLAIM_MS,
): KeyDecision {
  if (existing.expiresAt.getTime() <= now.getTime()) return { kind: 'take-over' };
  if (existing.scope !== request.scope || existing.requestHash !== request.requestHash) return { kind: 'reused' };
  if (existing.state === 'COMPLETED' && existing.responseStatus !== null) {
    return { kind: 'replay', status: existing.responseStatus, body: existing.responseBody };
  }
  return now.getTime() - existing.updatedAt.getTime() >= staleAfterMs ? { kind: 'take-over' } : { kind: 'in-progress' };
}
