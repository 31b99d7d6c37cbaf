import type { CancellationReason, Money, OrderStatus, SagaStep, StockLine } from '@shopmesh/contracts';

/** A compensation the saga may owe: give the stock back, give the money back. */
export type Compensation = 'stock' | 'payment';

/**
 * The saga of one order, as the state machine sees it (persisted with the order).
 * `awaiting`: compensations sent and not acknowledged yet; `requested`: compensations ever sent,
 * or known done (stock that expired), so that a late reply is compensated once, not twice.
 */
export interface Saga {
  orderId: string;
  userId: string;
  status: OrderStatus;
  step: SagaStep;
  reason: CancellationReason | null;
  total: Money;
  paymentToken: string;
  paymentId: string | null;
  awaiting: readonly Compensation[];
  requested: readonly Compensation[];
  deadlineAt: Date | null;
  createdAt: Date;
}

/** What the saga reacts to: the replies of inventory and payments, its clock and the user. */
export type SagaEvent =
  | { kind: 'StockReserved' }
  | { kind: 'StockRejected' }
  | { kind: 'PaymentAuthorized'; paymentId: string }
  | { kind: 'PaymentDeclined' }
  | { kind: 'StockCommitted' }
  | { kind: 'StockReleased'; reason: 'ORDER_CANCELLED' | 'EXPIRED' }
  | { kind: 'PaymentRefunded' }
  | { kind: 'DeadlinePassed' }
  /** The user cancels, or an operator compensates a stuck saga (`by: 'operator'`, reason CANCELLED_BY_OPERATOR). */
  | { kind: 'CancelRequested'; by?: 'user' | 'operator' }
  /** An operator asks for the current step's command again (the order's lines, for a ReserveStock sent again). */
  | { kind: 'RetryRequested'; items: readonly StockLine[] };

export type SagaEventKind = SagaEvent['kind'];

/** Commands the saga decides (mapped to inventory.commands / payments.commands at the edge). */
export type SagaCommand =
  | { kind: 'ReserveStock'; items: readonly StockLine[]; expiresAt: Date }
  | { kind: 'AuthorizePayment'; amount: Money; paymentToken: string }
  | { kind: 'CommitStock' }
  | { kind: 'ReleaseStock' }
  | { kind: 'RefundPayment'; reason: CancellationReason };

/** Events the saga publishes on orders.events. */
export type OrderOutcomeEvent = { kind: 'OrderConfirmed' } | { kind: 'OrderCancelled'; reason: CancellationReason };

/** One row of the order's history: a change of its public status or saga step. */
export interface HistoryEntry {
  status: OrderStatus;
  step: SagaStep;
  reason: CancellationReason | null;
}

export interface SagaSettings {
  /** How long a forward step waits for its reply. */
  stepTimeoutMs: number;
  /** How long a compensation waits for its acknowledgement before it is sent again. */
  compensationRetryMs: number;
  /** How long inventory holds a reservation that is neither committed nor released. */
  reservationTtlMs: number;
}

/** The result of one event: the saga moved (and what that causes), or the event changed nothing. */
export type Transition =
  | {
      changed: true;
      saga: Saga;
      commands: SagaCommand[];
      events: OrderOutcomeEvent[];
      history: HistoryEntry[];
      deadlineAt: Date | null;
      /** Compensations sent again because their acknowledgement is overdue. */
      resends: number;
    }
  | { changed: false; why: string };

/** CONFIRMED or CANCELLED with no compensation left to run: nothing more will happen. */
export const isFinal = (saga: Pick<Saga, 'step' | 'awaiting'>): boolean =>
  (saga.step === 'CONFIRMED' || saga.step === 'CANCELLED') && saga.awaiting.length === 0;
