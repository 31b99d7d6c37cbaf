import { OrderAcceptedSchema, type OrderAccepted } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import type { IdempotencyKeys, KeyClaim } from './idempotency-keys.service';
import type { IdempotencyScope } from './key-decision';

/**
 * Runs a POST under its Idempotency-Key: the stored answer for a retry, the work for a first
 * request (which stores its answer with the claim it is given). If the work fails, the key is
 * released: a domain error (4xx) or an outage leaves nothing behind, and the client may retry.
 */
export async function runIdempotent(
  keys: IdempotencyKeys,
  request: { userId: string; key: string; scope: IdempotencyScope; requestHash: string },
  work: (claim: KeyClaim) => Promise<OrderAccepted>,
): Promise<OrderAccepted> {
  const outcome = await keys.claim(request.userId, request.key, request.scope, request.requestHash);
  if (outcome.kind === 'replay') {
    const body = OrderAcceptedSchema.safeParse(outcome.body);
    if (!body.success) throw new AppError('INTERNAL', 'The stored answer of this Idempotency-Key is unreadable');
    return body.data;
  }
  try {
    return await work(outcome.claim);
  } catch (error) {
    await keys.release(outcome.claim);
    throw error;
  }
}
