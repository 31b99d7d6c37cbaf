import type { CancellationReason, OrderStatus, SagaStep } from '@shopmesh/contracts';
import { isFinal, type Compensation, type Saga, type SagaEvent, type SagaEventKind, type SagaSettings } from './saga';
import { startSaga, transition } from './transition';

const settings: SagaSettings = { stepTimeoutMs: 15_000, compensationRetryMs: 10_000, reservationTtlMs: 300_000 };
const now = new Date('2026-12-02T10:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
const ITEMS = [{ sku: 'LAMP-1', quantity: 2 }];
const PAYMENT_ID = '00000000-0000-4000-8000-0000000000aa';

const base: Saga = {
  orderId: '00000000-0000-4000-8000-000000000001',
  userId: '00000000-0000-4000-8000-000000000002',
  status: 'PENDING',
  step: 'PENDING',
  reason: null,
  total: { amount: 2500, currency: 'EUR' },
  paymentToken: 'tok_visa',
  paymentId: null,
  awaiting: [],
  requested: [],
  deadlineAt: new Date(now.getTime() - 1),
  createdAt: new Date(now.getTime() - 5000),
};

/** Every state the saga can be in, as stored. */
const STATES = {
  PENDING: base,
  STOCK_RESERVED: { ...base, step: 'STOCK_RESERVED' },
  PAYMENT_AUTHORIZED: { ...base, step: 'PAYMENT_AUTHORIZED', paymentId: PAYMENT_ID },
  CONFIRMED: { ...base, step: 'CONFIRMED', status: 'CONFIRMED', paymentId: PAYMENT_ID, deadlineAt: null },
  'COMPENSATING stock (declined)': {
    ...base,
    step: 'COMPENSATING',
    reason: 'PAYMENT_DECLINED',
    awaiting: ['stock'],
    requested: ['stock'],
  },
  'COMPENSATING stock+payment (timeout)': {
    ...base,
    step: 'COMPENSATING',
    reason: 'TIMEOUT',
    awaiting: ['stock', 'payment'],
    requested: ['stock', 'payment'],
  },
  'COMPENSATING payment (confirmed, cancelled by user, stock back)': {
    ...base,
    step: 'COMPENSATING',
    status: 'CONFIRMED',
    reason: 'CANCELLED_BY_USER',
    paymentId: PAYMENT_ID,
    awaiting: ['payment'],
    requested: ['stock', 'payment'],
  },
  'CANCELLED nothing requested (out of stock)': {
    ...base,
    step: 'CANCELLED',
    status: 'CANCELLED',
    reason: 'OUT_OF_STOCK',
    deadlineAt: null,
  },
  'CANCELLED after compensation': {
    ...base,
    step: 'CANCELLED',
    status: 'CANCELLED',
    reason: 'TIMEOUT',
    requested: ['stock', 'payment'],
    deadlineAt: null,
  },
} satisfies Record<string, Saga>;
type StateName = keyof typeof STATES;

const EVENTS = {
  StockReserved: { kind: 'StockReserved' },
  StockRejected: { kind: 'StockRejected' },
  PaymentAuthorized: { kind: 'PaymentAuthorized', paymentId: PAYMENT_ID },
  PaymentDeclined: { kind: 'PaymentDeclined' },
  StockCommitted: { kind: 'StockCommitted' },
  'StockReleased(ORDER_CANCELLED)': { kind: 'StockReleased', reason: 'ORDER_CANCELLED' },
  'StockReleased(EXPIRED)': { kind: 'StockReleased', reason: 'EXPIRED' },
  PaymentRefunded: { kind: 'PaymentRefunded' },
  DeadlinePassed: { kind: 'DeadlinePassed' },
  CancelRequested: { kind: 'CancelRequested' },
  'CancelRequested(operator)': { kind: 'CancelRequested', by: 'operator' },
  RetryRequested: { kind: 'RetryRequested', items: ITEMS },
} satisfies Record<string, SagaEvent>;
type EventName = keyof typeof EVENTS;

interface Expected {
  step: SagaStep;
  status: OrderStatus;
  reason: CancellationReason | null;
  awaiting: Compensation[];
  commands: string[];
  events: string[];
  /** A history entry is written (the step or status changed). */
  history: boolean;
  deadline: 'step' | 'retry' | 'none' | 'kept';
  resends?: number;
}
type Cell = Expected | 'unchanged';

const to = (
  step: SagaStep,
  status: OrderStatus,
  reason: CancellationReason | null,
  awaiting: Compensation[],
  commands: string[],
  deadline: Expected['deadline'],
  extra: Partial<Expected> = {},
): Expected => ({ step, status, reason, awaiting, commands, events: [], history: true, deadline, ...extra });
const cancelled = (reason: CancellationReason): Expected =>
  to('CANCELLED', 'CANCELLED', reason, [], [], 'none', { events: ['OrderCancelled'] });
const U = 'unchanged' as const;

const compensatingFromForward = (reason: CancellationReason, status: OrderStatus = 'PENDING') =>
  to('COMPENSATING', status, reason, ['stock', 'payment'], ['ReleaseStock', 'RefundPayment'], 'retry');

/** What a compensating saga sends again (on its retry deadline, or when an operator retries or compensates). */
const resendStock = to('COMPENSATING', 'PENDING', 'PAYMENT_DECLINED', ['stock'], ['ReleaseStock'], 'retry', {
  history: false,
  resends: 1,
});
const resendBoth = to('COMPENSATING', 'PENDING', 'TIMEOUT', ['stock', 'payment'], ['ReleaseStock', 'RefundPayment'], 'retry', {
  history: false,
  resends: 2,
});
const resendPayment = to('COMPENSATING', 'CONFIRMED', 'CANCELLED_BY_USER', ['payment'], ['RefundPayment'], 'retry', {
  history: false,
  resends: 1,
});

const TABLE: Record<StateName, Record<EventName, Cell>> = {
  PENDING: {
    StockReserved: to('STOCK_RESERVED', 'PENDING', null, [], ['AuthorizePayment'], 'step'),
    StockRejected: cancelled('OUT_OF_STOCK'),
    PaymentAuthorized: U,
    PaymentDeclined: U,
    StockCommitted: U,
    'StockReleased(ORDER_CANCELLED)': U,
    'StockReleased(EXPIRED)': U,
    PaymentRefunded: U,
    DeadlinePassed: to('COMPENSATING', 'PENDING', 'TIMEOUT', ['stock'], ['ReleaseStock'], 'retry'),
    CancelRequested: to('COMPENSATING', 'PENDING', 'CANCELLED_BY_USER', ['stock'], ['ReleaseStock'], 'retry'),
    'CancelRequested(operator)': to('COMPENSATING', 'PENDING', 'CANCELLED_BY_OPERATOR', ['stock'], ['ReleaseStock'], 'retry'),
    RetryRequested: to('PENDING', 'PENDING', null, [], ['ReserveStock'], 'step', { history: false }),
  },
  STOCK_RESERVED: {
    StockReserved: U,
    StockRejected: U,
    PaymentAuthorized: to('PAYMENT_AUTHORIZED', 'PENDING', null, [], ['CommitStock'], 'step'),
    PaymentDeclined: to('COMPENSATING', 'PENDING', 'PAYMENT_DECLINED', ['stock'], ['ReleaseStock'], 'retry'),
    StockCommitted: U,
    'StockReleased(ORDER_CANCELLED)': U,
    'StockReleased(EXPIRED)': to('COMPENSATING', 'PENDING', 'TIMEOUT', ['payment'], ['RefundPayment'], 'retry'),
    PaymentRefunded: U,
    DeadlinePassed: compensatingFromForward('TIMEOUT'),
    CancelRequested: compensatingFromForward('CANCELLED_BY_USER'),
    'CancelRequested(operator)': compensatingFromForward('CANCELLED_BY_OPERATOR'),
    RetryRequested: to('STOCK_RESERVED', 'PENDING', null, [], ['AuthorizePayment'], 'step', { history: false }),
  },
  PAYMENT_AUTHORIZED: {
    StockReserved: U,
    StockRejected: U,
    PaymentAuthorized: U,
    PaymentDeclined: U,
    StockCommitted: to('CONFIRMED', 'CONFIRMED', null, [], [], 'none', { events: ['OrderConfirmed'] }),
    'StockReleased(ORDER_CANCELLED)': U,
    'StockReleased(EXPIRED)': to('COMPENSATING', 'PENDING', 'TIMEOUT', ['payment'], ['RefundPayment'], 'retry'),
    PaymentRefunded: U,
    DeadlinePassed: compensatingFromForward('TIMEOUT'),
    CancelRequested: compensatingFromForward('CANCELLED_BY_USER'),
    'CancelRequested(operator)': compensatingFromForward('CANCELLED_BY_OPERATOR'),
    RetryRequested: to('PAYMENT_AUTHORIZED', 'PENDING', null, [], ['CommitStock'], 'step', { history: false }),
  },
  CONFIRMED: {
    StockReserved: U,
    StockRejected: U,
    PaymentAuthorized: U,
    PaymentDeclined: U,
    StockCommitted: U,
    'StockReleased(ORDER_CANCELLED)': U,
    'StockReleased(EXPIRED)': U,
    PaymentRefunded: U,
    DeadlinePassed: U,
    CancelRequested: compensatingFromForward('CANCELLED_BY_USER', 'CONFIRMED'),
    'CancelRequested(operator)': compensatingFromForward('CANCELLED_BY_OPERATOR', 'CONFIRMED'),
    RetryRequested: U,
  },
  'COMPENSATING stock (declined)': {
    StockReserved: U,
    StockRejected: U,
    PaymentAuthorized: to('COMPENSATING', 'PENDING', 'PAYMENT_DECLINED', ['stock', 'payment'], ['RefundPayment'], 'kept', {
      history: false,
    }),
    PaymentDeclined: U,
    StockCommitted: U,
    'StockReleased(ORDER_CANCELLED)': cancelled('PAYMENT_DECLINED'),
    'StockReleased(EXPIRED)': cancelled('PAYMENT_DECLINED'),
    PaymentRefunded: U,
    DeadlinePassed: to('COMPENSATING', 'PENDING', 'PAYMENT_DECLINED', ['stock'], ['ReleaseStock'], 'retry', {
      history: false,
      resends: 1,
    }),
    CancelRequested: U,
    'CancelRequested(operator)': resendStock,
    RetryRequested: resendStock,
  },
  'COMPENSATING stock+payment (timeout)': {
    StockReserved: U,
    StockRejected: U,
    PaymentAuthorized: U,
    PaymentDeclined: U,
    StockCommitted: U,
    'StockReleased(ORDER_CANCELLED)': to('COMPENSATING', 'PENDING', 'TIMEOUT', ['payment'], [], 'kept', { history: false }),
    'StockReleased(EXPIRED)': to('COMPENSATING', 'PENDING', 'TIMEOUT', ['payment'], [], 'kept', { history: false }),
    PaymentRefunded: to('COMPENSATING', 'PENDING', 'TIMEOUT', ['stock'], [], 'kept', { history: false }),
    DeadlinePassed: to('COMPENSATING', 'PENDING', 'TIMEOUT', ['stock', 'payment'], ['ReleaseStock', 'RefundPayment'], 'retry', {
      history: false,
      resends: 2,
    }),
    CancelRequested: U,
    'CancelRequested(operator)': resendBoth,
    RetryRequested: resendBoth,
  },
  'COMPENSATING payment (confirmed, cancelled by user, stock back)': {
    StockReserved: U,
    StockRejected: U,
    PaymentAuthorized: U,
    PaymentDeclined: U,
    StockCommitted: U,
    'StockReleased(ORDER_CANCELLED)': U,
    'StockReleased(EXPIRED)': U,
    PaymentRefunded: cancelled('CANCELLED_BY_USER'),
    DeadlinePassed: to('COMPENSATING', 'CONFIRMED', 'CANCELLED_BY_USER', ['payment'], ['RefundPayment'], 'retry', {
      history: false,
      resends: 1,
    }),
    CancelRequested: U,
    'CancelRequested(operator)': resendPayment,
    RetryRequested: resendPayment,
  },
  'CANCELLED nothing requested (out of stock)': {
    StockReserved: to('CANCELLED', 'CANCELLED', 'OUT_OF_STOCK', [], ['ReleaseStock'], 'none', { history: false }),
    StockRejected: U,
    PaymentAuthorized: to('CANCELLED', 'CANCELLED', 'OUT_OF_STOCK', [], ['RefundPayment'], 'none', { history: false }),
    PaymentDeclined: U,
    StockCommitted: to('CANCELLED', 'CANCELLED', 'OUT_OF_STOCK', [], ['ReleaseStock'], 'none', { history: false }),
    'StockReleased(ORDER_CANCELLED)': U,
    'StockReleased(EXPIRED)': U,
    PaymentRefunded: U,
    DeadlinePassed: U,
    CancelRequested: U,
    'CancelRequested(operator)': U,
    RetryRequested: U,
  },
  'CANCELLED after compensation': {
    StockReserved: U,
    StockRejected: U,
    PaymentAuthorized: U,
    PaymentDeclined: U,
    StockCommitted: U,
    'StockReleased(ORDER_CANCELLED)': U,
    'StockReleased(EXPIRED)': U,
    PaymentRefunded: U,
    DeadlinePassed: U,
    CancelRequested: U,
    'CancelRequested(operator)': U,
    RetryRequested: U,
  },
};

const shapeOf = ({ deadline: _, ...shape }: Expected) => shape;

const cases = (Object.keys(TABLE) as StateName[]).flatMap((state) =>
  (Object.keys(EVENTS) as EventName[]).map((event) => [state, event, TABLE[state][event]] as const),
);

describe(transition.name, () => {
  it('covers every state with every event', () => {
    expect(cases).toHaveLength(Object.keys(STATES).length * Object.keys(EVENTS).length);
    const kinds = new Set<SagaEventKind>(Object.values(EVENTS).map((e) => e.kind));
    expect(kinds.size).toBe(10);
  });

  it.each(cases)('%s + %s', (state, eventName, expected) => {
    const saga = STATES[state];
    const sut = transition(saga, EVENTS[eventName], now, settings);
    if (expected === 'unchanged') {
      expect(sut).toEqual({ changed: false, why: expect.any(String) });
      return;
    }
    if (!sut.changed) throw new Error(`expected a change, got: ${sut.why}`);
    expect({
      step: sut.saga.step,
      status: sut.saga.status,
      reason: sut.saga.reason,
      awaiting: sut.saga.awaiting,
      commands: sut.commands.map((c) => c.kind),
      events: sut.events.map((e) => e.kind),
      history: sut.history.length > 0,
      resends: sut.resends,
    }).toEqual({ ...shapeOf(expected), resends: expected.resends ?? 0 });
    const deadline = {
      step: at(settings.stepTimeoutMs),
      retry: at(settings.compensationRetryMs),
      none: null,
      kept: saga.deadlineAt?.toISOString(),
    }[expected.deadline];
    expect(sut.deadlineAt?.toISOString() ?? null).toEqual(deadline ?? null);
    expect(sut.saga.deadlineAt).toEqual(sut.deadlineAt);
    if (sut.history.length > 0) {
      expect(sut.history).toEqual([{ status: sut.saga.status, step: sut.saga.step, reason: sut.saga.reason }]);
    }
    // every command sent for a compensation is remembered, so a late reply is compensated only once
    for (const command of sut.commands) {
      if (command.kind === 'ReleaseStock') expect(sut.saga.requested).toContain('stock');
      if (command.kind === 'RefundPayment') expect(sut.saga.requested).toContain('payment');
    }
    // a CANCELLED order awaits nothing: it was only cancelled once every compensation was acknowledged
    if (sut.saga.step === 'CANCELLED') expect(sut.saga.awaiting).toEqual([]);
  });

  it('sends AuthorizePayment with the total and the token', () => {
    const sut = transition(STATES.PENDING, EVENTS.StockReserved, now, settings);
    expect(sut.changed && sut.commands).toEqual([
      { kind: 'AuthorizePayment', amount: { amount: 2500, currency: 'EUR' }, paymentToken: 'tok_visa' },
    ]);
  });

  it('stores the payment id of the authorization', () => {
    const sut = transition(STATES.STOCK_RESERVED, EVENTS.PaymentAuthorized, now, settings);
    expect(sut.changed && sut.saga.paymentId).toBe(PAYMENT_ID);
  });

  it('refunds with the reason of the cancellation', () => {
    const sut = transition(STATES.CONFIRMED, EVENTS.CancelRequested, now, settings);
    expect(sut.changed && sut.commands).toEqual([
      { kind: 'ReleaseStock' },
      { kind: 'RefundPayment', reason: 'CANCELLED_BY_USER' },
    ]);
  });

  it('keeps the first reason when cancelled again while compensating', () => {
    const sut = transition(STATES['COMPENSATING stock+payment (timeout)'], EVENTS.CancelRequested, now, settings);
    expect(sut.changed).toBe(false);
  });

  it('sends the reservation again on a retry in PENDING, with a fresh reservation expiry', () => {
    const sut = transition(STATES.PENDING, EVENTS.RetryRequested, now, settings);
    expect(sut.changed && sut.commands).toEqual([
      { kind: 'ReserveStock', items: ITEMS, expiresAt: new Date(at(settings.reservationTtlMs)) },
    ]);
  });

  it('refunds with CANCELLED_BY_OPERATOR when an operator compensates', () => {
    const sut = transition(STATES.STOCK_RESERVED, EVENTS['CancelRequested(operator)'], now, settings);
    expect(sut.changed && sut.commands).toContainEqual({ kind: 'RefundPayment', reason: 'CANCELLED_BY_OPERATOR' });
  });

  it('is final only when CONFIRMED or CANCELLED with nothing awaited', () => {
    const finals = (Object.keys(STATES) as StateName[]).filter((s) => isFinal(STATES[s]));
    expect(finals).toEqual(['CONFIRMED', 'CANCELLED nothing requested (out of stock)', 'CANCELLED after compensation']);
  });

  it('walks a full compensation: timeout in STOCK_RESERVED, both acknowledged in any order → CANCELLED(TIMEOUT)', () => {
    const first = transition(STATES.STOCK_RESERVED, EVENTS.DeadlinePassed, now, settings);
    if (!first.changed) throw new Error('expected a change');
    const second = transition(first.saga, EVENTS.PaymentRefunded, now, settings);
    if (!second.changed) throw new Error('expected a change');
    expect(second.saga.step).toBe('COMPENSATING');
    const third = transition(second.saga, EVENTS['StockReleased(ORDER_CANCELLED)'], now, settings);
    expect(third.changed && third.events).toEqual([{ kind: 'OrderCancelled', reason: 'TIMEOUT' }]);
    expect(third.changed && third.saga.status).toBe('CANCELLED');
  });
});

describe(startSaga.name, () => {
  it('starts PENDING with the step deadline and reserves until the reservation TTL', () => {
    const sut = startSaga(
      { orderId: base.orderId, userId: base.userId, total: base.total, items: ITEMS, paymentToken: 'tok_visa' },
      now,
      settings,
    );
    expect(sut.saga).toMatchObject({ step: 'PENDING', status: 'PENDING', awaiting: [], requested: [], createdAt: now });
    expect(sut.saga.deadlineAt?.toISOString()).toBe(at(settings.stepTimeoutMs));
    expect(sut.command).toEqual({ kind: 'ReserveStock', items: ITEMS, expiresAt: new Date(at(settings.reservationTtlMs)) });
    expect(sut.history).toEqual({ status: 'PENDING', step: 'PENDING', reason: null });
  });
});
