import type { Money } from '@shopmesh/contracts';

/** What payments asks the provider to charge; the key makes a retried call return the first outcome. */
export interface AuthorizeRequest {
  idempotencyKey: string;
  orderId: string;
  token: string;
  amount: Money;
}

export interface RefundRequest {
  idempotencyKey: string;
  chargeId: string;
  amount: Money;
}

/** `replayed`: the outcome was decided by an earlier call with the same key (nothing new happened). */
export type AuthorizeOutcome =
  | { kind: 'approved'; chargeId: string; amount: Money; replayed: boolean }
  | { kind: 'declined'; reason: string; replayed: boolean };

export interface RefundOutcome {
  refundId: string;
  chargeId: string;
  amount: Money;
  replayed: boolean;
}

/** What the provider remembers of one authorization key. */
export interface ChargeRecord {
  idempotencyKey: string;
  orderId: string;
  status: 'APPROVED' | 'DECLINED' | 'PENDING';
  chargeId: string | null;
  amount: Money;
  refunded: number;
  attempts: number;
}

/** A transient failure of the provider (5xx, connection reset): the same call may be tried again. */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
}

/** The provider did not answer in time: the call may or may not have taken effect; retry with the same key. */
export class ProviderTimeoutError extends Error {
  override readonly name = 'ProviderTimeoutError';
}

/** The provider refused the request itself (a key reused with other parameters, a refund larger than the charge). */
export class ProviderRejectedError extends Error {
  override readonly name = 'ProviderRejectedError';
}
