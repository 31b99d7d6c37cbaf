import type { Money } from '@shopmesh/contracts';

export type PaymentStatus = 'PENDING' | 'CAPTURED' | 'DECLINED' | 'REFUNDED' | 'VOIDED';

/** What payments has recorded of one order (undefined: nothing yet). */
export interface PaymentState {
  status: PaymentStatus;
  /** The provider's charge id, once captured. */
  paymentId: string | null;
  /** The amount asked for (captured, once CAPTURED or REFUNDED). */
  amount: Money | null;
}

/** What to do with an AuthorizePayment, from the order's payment alone (once per order, not per message). */
export type AuthorizeDecision =
  | { kind: 'charge' }
  | { kind: 'answer-authorized'; paymentId: string; amount: Money }
  | { kind: 'answer-declined'; reason: 'DECLINED' | 'VOIDED' };

export function decideAuthorize(state: PaymentState | undefined): AuthorizeDecision {
  switch (state?.status) {
    case undefined:
    case 'PENDING':
      return { kind: 'charge' };
    case 'CAPTURED':
      return { kind: 'answer-authorized', ...captured(state) };
    case 'DECLINED':
      return { kind: 'answer-declined', reason: 'DECLINED' };
    case 'REFUNDED':
    case 'VOIDED':
      return { kind: 'answer-declined', reason: 'VOIDED' };
  }
}

/** What the provider's answer to a charge means for the order. */
export type ChargeResult = { kind: 'approved'; chargeId: string; amount: Money } | { kind: 'declined' } | { kind: 'unanswered' };

export type ChargeEffect =
  | { kind: 'capture'; paymentId: string; amount: Money }
  | { kind: 'decline' }
  /** Unknown whether it was charged: stay PENDING, answer nothing; the saga's deadline sends RefundPayment. */
  | { kind: 'stay-pending' };

export function effectOfCharge(result: ChargeResult): ChargeEffect {
  switch (result.kind) {
    case 'approved':
      return { kind: 'capture', paymentId: result.chargeId, amount: result.amount };
    case 'declined':
      return { kind: 'decline' };
    case 'unanswered':
      return { kind: 'stay-pending' };
  }
}

/** What to do with a RefundPayment. */
export type RefundDecision =
  /** Captured: give the captured amount back. */
  | { kind: 'refund'; paymentId: string; amount: Money }
  /** Maybe charged (no answer yet, or nothing recorded): ask the provider, refund what it charged, void the order. */
  | { kind: 'void-after-checking-provider' }
  /** Certainly not charged: void the order. */
  | { kind: 'void' }
  /** Done before: answer the same again. */
  | { kind: 'answer-refunded'; paymentId: string | null; amount: Money | null };

export function decideRefund(state: PaymentState | undefined): RefundDecision {
  switch (state?.status) {
    case 'CAPTURED':
      return { kind: 'refund', ...captured(state) };
    case undefined:
    case 'PENDING':
      return { kind: 'void-after-checking-provider' };
    case 'DECLINED':
      return { kind: 'void' };
    case 'REFUNDED':
      return { kind: 'answer-refunded', ...captured(state) };
    case 'VOIDED':
      return { kind: 'answer-refunded', paymentId: null, amount: null };
  }
}

function captured(state: PaymentState): { paymentId: string; amount: Money } {
  if (!state.paymentId || !state.amount) throw new Error(`a ${state.status} payment without its charge`);
  return { paymentId: state.paymentId, amount: state.amount };
}
