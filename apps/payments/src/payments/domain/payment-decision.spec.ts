import { decideAuthorize, decideRefund, effectOfCharge, type PaymentState } from './payment-decision';

const money = { amount: 4200, currency: 'EUR' };
const paymentId = '7d3c1c8e-4a8b-4f0e-9d6a-0c2b6f1e2a11';
const state = (status: PaymentState['status'], charged = false): PaymentState => ({
  status,
  paymentId: charged ? paymentId : null,
  amount: money,
});

describe(decideAuthorize.name, () => {
  it('charges an order it knows nothing of, or one whose charge got no answer yet', () => {
    expect(decideAuthorize(undefined)).toEqual({ kind: 'charge' });
    expect(decideAuthorize(state('PENDING'))).toEqual({ kind: 'charge' });
  });

  it('answers a captured order with the same authorization, charging nothing more', () => {
    expect(decideAuthorize(state('CAPTURED', true))).toEqual({ kind: 'answer-authorized', paymentId, amount: money });
  });

  it('answers a declined order with the same decline', () => {
    expect(decideAuthorize(state('DECLINED'))).toEqual({ kind: 'answer-declined', reason: 'DECLINED' });
  });

  it('never charges an order that was refunded or voided first', () => {
    expect(decideAuthorize(state('VOIDED'))).toEqual({ kind: 'answer-declined', reason: 'VOIDED' });
    expect(decideAuthorize(state('REFUNDED', true))).toEqual({ kind: 'answer-declined', reason: 'VOIDED' });
  });

  it('refuses a captured row without its charge (a broken record, not a decision)', () => {
    expect(() => decideAuthorize(state('CAPTURED'))).toThrow('a CAPTURED payment without its charge');
  });
});

describe(effectOfCharge.name, () => {
  it('captures what the provider approved', () => {
    expect(effectOfCharge({ kind: 'approved', chargeId: paymentId, amount: money })).toEqual({
      kind: 'capture',
      paymentId,
      amount: money,
    });
  });

  it('declines what it declined, and stays pending (answering nothing) when it never answered', () => {
    expect(effectOfCharge({ kind: 'declined' })).toEqual({ kind: 'decline' });
    expect(effectOfCharge({ kind: 'unanswered' })).toEqual({ kind: 'stay-pending' });
  });
});

describe(decideRefund.name, () => {
  it('refunds the captured amount of a captured order', () => {
    expect(decideRefund(state('CAPTURED', true))).toEqual({ kind: 'refund', paymentId, amount: money });
  });

  it('asks the provider before voiding an order that may have been charged', () => {
    expect(decideRefund(undefined)).toEqual({ kind: 'void-after-checking-provider' });
    expect(decideRefund(state('PENDING'))).toEqual({ kind: 'void-after-checking-provider' });
  });

  it('voids a declined order without asking anyone', () => {
    expect(decideRefund(state('DECLINED'))).toEqual({ kind: 'void' });
  });

  it('answers the same refund again for a refunded or voided order', () => {
    expect(decideRefund(state('REFUNDED', true))).toEqual({ kind: 'answer-refunded', paymentId, amount: money });
    expect(decideRefund(state('VOIDED'))).toEqual({ kind: 'answer-refunded', paymentId: null, amount: null });
  });
});
