import type { CancellationReason, Money, StockLine } from '@shopmesh/contracts';
import type {
  Compensation,
  HistoryEntry,
  OrderOutcomeEvent,
  Saga,
  SagaCommand,
  SagaEvent,
  SagaSettings,
  Transition,
} from './saga';

/** What an accepted order starts its saga with. */
export interface NewOrder {
  orderId: string;
  userId: string;
  total: Money;
  items: readonly StockLine[];
  paymentToken: string;
}

/** An accepted order: PENDING, asking inventory to reserve its lines, with the step's deadline. */
export function startSaga(
  order: NewOrder,
  now: Date,
  settings: SagaSettings,
): { saga: Saga; command: SagaCommand; history: HistoryEntry } {
  const { items, ...known } = order;
  const saga: Saga = {
    ...known,
    status: 'PENDING',
    step: 'PENDING',
    reason: null,
    paymentId: null,
    awaiting: [],
    requested: [],
    deadlineAt: after(now, settings.stepTimeoutMs),
    createdAt: now,
  };
  return {
    saga,
    command: { kind: 'ReserveStock', items, expiresAt: after(now, settings.reservationTtlMs) },
    history: { status: 'PENDING', step: 'PENDING', reason: null },
  };
}

/**
 * The checkout saga's state machine (docs/checkout-saga.md): the saga after `event`, the commands
 * and events that causes, its history entries and its next deadline; or `changed: false` for a
 * late, duplicate or unexpected event that needs nothing done.
 */
export function transition(saga: Saga, event: SagaEvent, now: Date, settings: SagaSettings): Transition {
  const forward = (to: 'STOCK_RESERVED' | 'PAYMENT_AUTHORIZED', command: SagaCommand, patch: Partial<Saga> = {}) =>
    moved({ ...saga, ...patch, step: to, deadlineAt: after(now, settings.stepTimeoutMs) }, [command], []);
  const compensate = (reason: CancellationReason, owed: readonly Compensation[]) =>
    startCompensation(saga, reason, owed, now, settings);
  const cancelReason: CancellationReason =
    event.kind === 'CancelRequested' && event.by === 'operator' ? 'CANCELLED_BY_OPERATOR' : 'CANCELLED_BY_USER';
  /** The step's command sent again with a fresh deadline; the step (and its history) stays. */
  const resend = (command: SagaCommand): Transition => ({
    ...moved({ ...saga, deadlineAt: after(now, settings.stepTimeoutMs) }, [command], []),
    history: [],
  });

  switch (saga.step) {
    case 'PENDING':
      return whilePending();
    case 'STOCK_RESERVED':
      return whileStockReserved();
    case 'PAYMENT_AUTHORIZED':
      return whilePaymentAuthorized();
    case 'CONFIRMED':
      return event.kind === 'CancelRequested' ? compensate(cancelReason, ['stock', 'payment']) : unchanged(saga, event);
    case 'COMPENSATING':
      return whileCompensating(saga, event, now, settings);
    case 'CANCELLED':
      return afterCancelled(saga, event);
  }

  function whilePending(): Transition {
    switch (event.kind) {
      case 'StockReserved':
        return forward('STOCK_RESERVED', { kind: 'AuthorizePayment', amount: saga.total, paymentToken: saga.paymentToken });
      case 'StockRejected':
        return moved(
          { ...saga, step: 'CANCELLED', status: 'CANCELLED', reason: 'OUT_OF_STOCK', deadlineAt: null },
          [],
          [{ kind: 'OrderCancelled', reason: 'OUT_OF_STOCK' }],
        );
      case 'DeadlinePassed':
        return compensate('TIMEOUT', ['stock']);
      case 'CancelRequested':
        return compensate(cancelReason, ['stock']);
      case 'RetryRequested':
        return resend({ kind: 'ReserveStock', items: event.items, expiresAt: after(now, settings.reservationTtlMs) });
      case 'PaymentAuthorized': // never asked for yet
      case 'PaymentDeclined':
      case 'PaymentRefunded':
      case 'StockCommitted':
      case 'StockReleased':
        return unchanged(saga, event);
    }
  }

  function whileStockReserved(): Transition {
    switch (event.kind) {
      case 'PaymentAuthorized':
        return forward('PAYMENT_AUTHORIZED', { kind: 'CommitStock' }, { paymentId: event.paymentId });
      case 'PaymentDeclined':
        return compensate('PAYMENT_DECLINED', ['stock']);
      case 'StockReleased':
        // the reservation expired under a payment that may still be in flight: void it
        return event.reason === 'EXPIRED'
          ? startCompensation({ ...saga, requested: ['stock'] }, 'TIMEOUT', ['payment'], now, settings)
          : unchanged(saga, event);
      case 'DeadlinePassed':
        return compensate('TIMEOUT', ['stock', 'payment']);
      case 'CancelRequested':
        return compensate(cancelReason, ['stock', 'payment']);
      case 'RetryRequested':
        return resend({ kind: 'AuthorizePayment', amount: saga.total, paymentToken: saga.paymentToken });
      case 'StockReserved': // the answer to a ReserveStock sent again
      case 'StockRejected':
      case 'StockCommitted':
      case 'PaymentRefunded':
        return unchanged(saga, event);
    }
  }

  function whilePaymentAuthorized(): Transition {
    switch (event.kind) {
      case 'StockCommitted':
        return moved({ ...saga, step: 'CONFIRMED', status: 'CONFIRMED', deadlineAt: null }, [], [{ kind: 'OrderConfirmed' }]);
      case 'StockReleased':
        return event.reason === 'EXPIRED'
          ? startCompensation({ ...saga, requested: ['stock'] }, 'TIMEOUT', ['payment'], now, settings)
          : unchanged(saga, event);
      case 'DeadlinePassed':
        return compensate('TIMEOUT', ['stock', 'payment']);
      case 'CancelRequested':
        return compensate(cancelReason, ['stock', 'payment']);
      case 'RetryRequested':
        return resend({ kind: 'CommitStock' });
      case 'StockReserved':
      case 'StockRejected':
      case 'PaymentAuthorized': // the answer to an AuthorizePayment sent again
      case 'PaymentDeclined':
      case 'PaymentRefunded':
        return unchanged(saga, event);
    }
  }
}

function whileCompensating(saga: Saga, event: SagaEvent, now: Date, settings: SagaSettings): Transition {
  const reason = saga.reason ?? 'TIMEOUT';
  switch (event.kind) {
    case 'StockReleased':
      return saga.awaiting.includes('stock') ? acknowledge(saga, 'stock') : unchanged(saga, event);
    case 'PaymentRefunded':
      return saga.awaiting.includes('payment') ? acknowledge(saga, 'payment') : unchanged(saga, event);
    case 'DeadlinePassed':
    case 'RetryRequested': {
      // compensations owed are sent again: on their retry deadline, or when an operator asks
      const commands = saga.awaiting.map((owed) => compensationCommand(owed, reason));
      return {
        ...moved({ ...saga, deadlineAt: after(now, settings.compensationRetryMs) }, commands, []),
        history: [],
        resends: commands.length,
      };
    }
    case 'PaymentAuthorized':
      if (saga.requested.includes('payment')) return unchanged(saga, event);
      return {
        ...moved(
          {
            ...saga,
            paymentId: saga.paymentId ?? event.paymentId,
            awaiting: [...saga.awaiting, 'payment'],
            requested: [...saga.requested, 'payment'],
          },
          [compensationCommand('payment', reason)],
          [],
        ),
        history: [],
      };
    case 'StockReserved':
    case 'StockCommitted':
      if (saga.requested.includes('stock')) return unchanged(saga, event);
      return {
        ...moved(
          { ...saga, awaiting: [...saga.awaiting, 'stock'], requested: [...saga.requested, 'stock'] },
          [compensationCommand('stock', reason)],
          [],
        ),
        history: [],
      };
    case 'CancelRequested': // cancelling is idempotent; the first reason stays
      // an operator compensating a saga already compensating sends again what is still owed
      return event.by === 'operator' && saga.awaiting.length > 0
        ? whileCompensating(saga, { kind: 'DeadlinePassed' }, now, settings)
        : unchanged(saga, event);
    case 'StockRejected': // a ReleaseStock is on its way behind it and will be acknowledged
    case 'PaymentDeclined': // a RefundPayment voids the order whatever the provider said
      return unchanged(saga, event);
  }
}

/** A cancelled order holds nothing: a late reply that says otherwise is undone at once. */
function afterCancelled(saga: Saga, event: SagaEvent): Transition {
  const reason = saga.reason ?? 'TIMEOUT';
  if (event.kind === 'PaymentAuthorized' && !saga.requested.includes('payment')) {
    return {
      ...moved(
        { ...saga, paymentId: saga.paymentId ?? event.paymentId, requested: [...saga.requested, 'payment'] },
        [compensationCommand('payment', reason)],
        [],
      ),
      history: [],
    };
  }
  if ((event.kind === 'StockReserved' || event.kind === 'StockCommitted') && !saga.requested.includes('stock')) {
    return {
      ...moved({ ...saga, requested: [...saga.requested, 'stock'] }, [compensationCommand('stock', reason)], []),
      history: [],
    };
  }
  return unchanged(saga, event);
}

function startCompensation(
  saga: Saga,
  reason: CancellationReason,
  owed: readonly Compensation[],
  now: Date,
  settings: SagaSettings,
): Transition {
  const awaiting = owed.filter((c) => !saga.requested.includes(c));
  if (awaiting.length === 0) {
    return moved(
      { ...saga, step: 'CANCELLED', status: 'CANCELLED', reason, awaiting, deadlineAt: null },
      [],
      [{ kind: 'OrderCancelled', reason }],
    );
  }
  return moved(
    {
      ...saga,
      step: 'COMPENSATING',
      reason,
      awaiting,
      requested: [...saga.requested, ...awaiting],
      deadlineAt: after(now, settings.compensationRetryMs),
    },
    awaiting.map((c) => compensationCommand(c, reason)),
    [],
  );
}

function acknowledge(saga: Saga, done: Compensation): Transition {
  const awaiting = saga.awaiting.filter((c) => c !== done);
  if (awaiting.length > 0) return { ...moved({ ...saga, awaiting }, [], []), history: [] };
  const reason = saga.reason ?? 'TIMEOUT';
  return moved(
    { ...saga, awaiting, step: 'CANCELLED', status: 'CANCELLED', deadlineAt: null },
    [],
    [{ kind: 'OrderCancelled', reason }],
  );
}

const compensationCommand = (owed: Compensation, reason: CancellationReason): SagaCommand =>
  owed === 'stock' ? { kind: 'ReleaseStock' } : { kind: 'RefundPayment', reason };

/** A move of the saga; its history entry is the new step (callers drop it when the step stays). */
function moved(saga: Saga, commands: SagaCommand[], events: OrderOutcomeEvent[]): Transition & { changed: true } {
  return {
    changed: true,
    saga,
    commands,
    events,
    history: [{ status: saga.status, step: saga.step, reason: saga.reason }],
    deadlineAt: saga.deadlineAt,
    resends: 0,
  };
}

const unchanged = (saga: Saga, event: SagaEvent): Transition => ({
  changed: false,
  why: `${event.kind} needs nothing in ${saga.step}`,
});

const after = (now: Date, ms: number): Date => new Date(now.getTime() + ms);
