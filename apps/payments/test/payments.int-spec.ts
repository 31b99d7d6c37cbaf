import { randomUUID } from 'node:crypto';
import { PaymentsRpc, type Actor } from '@shopmesh/contracts';
import { NonRetriableError } from '@shopmesh/messaging';
import { SimulatedProvider } from '../src/provider/simulated-provider';
import {
  TEST_PROVIDER,
  authorizeEnvelope,
  newPaymentSpace,
  refundEnvelope,
  startPayments,
  type PaymentsUnderTest,
} from './payments-harness';

interface ChargeRow {
  status: string;
  attempts: number;
  charge_id: string | null;
  refunded_amount: string;
}
interface LedgerRow {
  kind: string;
  amount: string;
  currency: string;
  payment_id: string;
}

describe('payments: AuthorizePayment and RefundPayment, once per order (real Postgres)', () => {
  const space = newPaymentSpace('ledger');
  let sut: PaymentsUnderTest;
  const admin: Actor = { userId: randomUUID(), role: 'admin' };
  const euros42 = { amount: 4200, currency: 'EUR' };

  const charges = (orderId: string) =>
    sut.query<ChargeRow>(`SELECT status, attempts, charge_id, refunded_amount FROM provider_charges WHERE order_id = $1`, [
      orderId,
    ]);
  const ledger = (orderId: string) =>
    sut.query<LedgerRow>(`SELECT kind, amount, currency, payment_id FROM ledger WHERE order_id = $1 ORDER BY kind`, [orderId]);
  const status = async (orderId: string) =>
    (await sut.query<{ status: string }>(`SELECT status FROM payments WHERE order_id = $1`, [orderId]))[0]?.status;
  const replies = async (orderId: string): Promise<Array<Record<string, unknown>>> =>
    (await sut.published(orderId)).map((m) => ({ type: m.type, ...m.payload }));

  beforeAll(async () => {
    sut = await startPayments('ledger', space);
  });
  afterAll(() => sut?.close());

  it('tok_visa: charges once, records one capture and answers PaymentAuthorized with the charge', async () => {
    const orderId = space.newOrderId();
    expect(await sut.deliver(authorizeEnvelope(orderId, 'tok_visa', euros42))).toBe('processed');

    const [charge] = await charges(orderId);
    expect(charge).toMatchObject({ status: 'APPROVED', attempts: 1 });
    expect(await status(orderId)).toBe('CAPTURED');
    expect(await ledger(orderId)).toEqual([{ kind: 'CAPTURE', amount: '4200', currency: 'EUR', payment_id: charge?.charge_id }]);
    expect(await replies(orderId)).toEqual([
      { type: 'PaymentAuthorized', orderId, paymentId: charge?.charge_id, amount: euros42 },
    ]);
  });

  it('tok_decline: answers PaymentDeclined, records no ledger entry, and declines a retry without asking again', async () => {
    const orderId = space.newOrderId();
    await sut.deliver(authorizeEnvelope(orderId, 'tok_decline'));
    await sut.deliver(authorizeEnvelope(orderId, 'tok_decline'));

    expect(await status(orderId)).toBe('DECLINED');
    expect(await ledger(orderId)).toEqual([]);
    expect(await charges(orderId)).toEqual([expect.objectContaining({ status: 'DECLINED', attempts: 1, charge_id: null })]);
    expect(await replies(orderId)).toEqual([
      { type: 'PaymentDeclined', orderId, reason: 'DECLINED' },
      { type: 'PaymentDeclined', orderId, reason: 'DECLINED' },
    ]);
  });

  it('declines a token the provider does not know', async () => {
    const orderId = space.newOrderId();
    await sut.deliver(authorizeEnvelope(orderId, 'tok_unknown'));
    expect(await replies(orderId)).toEqual([{ type: 'PaymentDeclined', orderId, reason: 'DECLINED' }]);
    expect(await ledger(orderId)).toEqual([]);
  });

  it('tok_flaky: retries in place, is approved on the third call, and captures exactly once', async () => {
    const orderId = space.newOrderId();
    expect(await sut.deliver(authorizeEnvelope(orderId, 'tok_flaky'))).toBe('processed');

    expect(await charges(orderId)).toEqual([expect.objectContaining({ status: 'APPROVED', attempts: 3 })]);
    expect(await ledger(orderId)).toEqual([expect.objectContaining({ kind: 'CAPTURE', amount: '4200' })]);
    expect((await replies(orderId)).map((r) => r.type)).toEqual(['PaymentAuthorized']);
    const metrics = await (await fetch(`${sut.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/payment_provider_failed_calls_total\{operation="authorize",service="payments"\} [1-9]/);
  });

  it('tok_timeout: publishes nothing and charges nothing (without failing the message); RefundPayment voids it; a late AuthorizePayment is declined as VOIDED', async () => {
    const orderId = space.newOrderId();
    const started = Date.now();
    await expect(sut.deliver(authorizeEnvelope(orderId, 'tok_timeout'))).resolves.toBe('processed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(TEST_PROVIDER.timeoutMs * TEST_PROVIDER.maxAttempts);
    expect(await status(orderId)).toBe('PENDING');
    expect(await charges(orderId)).toEqual([
      expect.objectContaining({ status: 'PENDING', attempts: TEST_PROVIDER.maxAttempts, charge_id: null }),
    ]);
    expect(await replies(orderId)).toEqual([]);

    await sut.deliver(refundEnvelope(orderId, 'TIMEOUT'));
    expect(await status(orderId)).toBe('VOIDED');
    expect(await replies(orderId)).toEqual([{ type: 'PaymentRefunded', orderId, paymentId: null, amount: null }]);

    await sut.deliver(authorizeEnvelope(orderId, 'tok_timeout'));
    expect(await replies(orderId)).toEqual([
      { type: 'PaymentRefunded', orderId, paymentId: null, amount: null },
      { type: 'PaymentDeclined', orderId, reason: 'VOIDED' },
    ]);
    expect(await charges(orderId)).toEqual([expect.objectContaining({ attempts: TEST_PROVIDER.maxAttempts, charge_id: null })]);
    expect(await ledger(orderId)).toEqual([]);
    const metrics = await (await fetch(`${sut.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/payments_outcomes_total\{outcome="timeout",repeat="false",service="payments"\} [1-9]/);
  });

  it('charges once when one AuthorizePayment is delivered three times, and when three are handled at once', async () => {
    const orderId = space.newOrderId();
    const command = authorizeEnvelope(orderId, 'tok_visa');
    const outcomes = [await sut.deliver(command), await sut.deliver(command), await sut.deliver(command)];
    expect(outcomes).toEqual(['processed', 'duplicate', 'duplicate']);

    const racing = space.newOrderId();
    const same = authorizeEnvelope(racing, 'tok_flaky');
    const resent = [authorizeEnvelope(racing, 'tok_flaky'), authorizeEnvelope(racing, 'tok_flaky')];
    const raced = await Promise.all([same, same, ...resent].map((e) => sut.deliver(e)));
    expect(raced.filter((o) => o === 'processed')).toHaveLength(3);

    for (const id of [orderId, racing]) {
      const [charge] = await charges(id);
      expect(charge?.status).toBe('APPROVED');
      expect(await ledger(id)).toEqual([expect.objectContaining({ kind: 'CAPTURE', payment_id: charge?.charge_id })]);
      const answers = await replies(id);
      expect(new Set(answers.map((a) => `${String(a.type)}:${String(a.paymentId)}`))).toEqual(
        new Set([`PaymentAuthorized:${String(charge?.charge_id)}`]),
      );
    }
    expect(await replies(racing)).toHaveLength(3);
  });

  it('refunds once when RefundPayment comes twice, and never charges the order again', async () => {
    const orderId = space.newOrderId();
    await sut.deliver(authorizeEnvelope(orderId, 'tok_visa'));
    await Promise.all([
      sut.deliver(refundEnvelope(orderId, 'CANCELLED_BY_USER')),
      sut.deliver(refundEnvelope(orderId, 'CANCELLED_BY_USER')),
    ]);
    await sut.deliver(authorizeEnvelope(orderId, 'tok_visa'));

    const [charge] = await charges(orderId);
    expect(charge).toMatchObject({ status: 'APPROVED', attempts: 1, refunded_amount: '4200' });
    expect(await sut.query(`SELECT amount FROM provider_refunds WHERE charge_id = $1`, [charge?.charge_id])).toEqual([
      { amount: '4200' },
    ]);
    expect(await status(orderId)).toBe('REFUNDED');
    expect((await ledger(orderId)).map((l) => [l.kind, l.amount])).toEqual([
      ['CAPTURE', '4200'],
      ['REFUND', '4200'],
    ]);
    const refunded = { type: 'PaymentRefunded', orderId, paymentId: charge?.charge_id, amount: euros42 };
    expect((await replies(orderId)).slice(1)).toEqual([
      refunded,
      refunded,
      { type: 'PaymentDeclined', orderId, reason: 'VOIDED' },
    ]);
  });

  it('voids an order it never saw, so that its AuthorizePayment arriving later charges nothing', async () => {
    const orderId = space.newOrderId();
    await sut.deliver(refundEnvelope(orderId, 'CANCELLED_BY_USER'));
    await sut.deliver(authorizeEnvelope(orderId, 'tok_visa'));
    expect(await status(orderId)).toBe('VOIDED');
    expect(await charges(orderId)).toEqual([]);
    expect(await replies(orderId)).toEqual([
      { type: 'PaymentRefunded', orderId, paymentId: null, amount: null },
      { type: 'PaymentDeclined', orderId, reason: 'VOIDED' },
    ]);
  });

  it('refunds a charge the provider made that payments never recorded (it crashed before committing)', async () => {
    const orderId = space.newOrderId();
    const approved = await sut.app
      .get(SimulatedProvider)
      .authorize({ idempotencyKey: `authorize:${orderId}`, orderId, token: 'tok_visa', amount: euros42 });
    expect(approved.kind).toBe('approved');
    const chargeId = approved.kind === 'approved' ? approved.chargeId : '';

    await sut.deliver(refundEnvelope(orderId, 'TIMEOUT'));
    expect(await status(orderId)).toBe('REFUNDED');
    expect(await charges(orderId)).toEqual([expect.objectContaining({ refunded_amount: '4200' })]);
    expect((await ledger(orderId)).map((l) => [l.kind, l.amount, l.payment_id])).toEqual([
      ['CAPTURE', '4200', chargeId],
      ['REFUND', '4200', chargeId],
    ]);
    expect(await replies(orderId)).toEqual([{ type: 'PaymentRefunded', orderId, paymentId: chargeId, amount: euros42 }]);
  });

  it('dead-letters (never charges) a second AuthorizePayment for the same order with another amount', async () => {
    const orderId = space.newOrderId();
    await sut.deliver(authorizeEnvelope(orderId, 'tok_timeout', euros42));
    await expect(sut.deliver(authorizeEnvelope(orderId, 'tok_timeout', { amount: 1, currency: 'EUR' }))).rejects.toBeInstanceOf(
      NonRetriableError,
    );
    await expect(sut.deliver(authorizeEnvelope(orderId, 'tok_visa', { amount: 0, currency: 'EUR' }))).rejects.toBeInstanceOf(
      NonRetriableError,
    );
    expect(await charges(orderId)).toEqual([expect.objectContaining({ status: 'PENDING', charge_id: null })]);
  });

  it('skips orders that are not its own (suites share payments.commands)', async () => {
    const foreign = randomUUID();
    await sut.deliver(authorizeEnvelope(foreign, 'tok_visa'));
    expect(await status(foreign)).toBeUndefined();
    expect(await sut.published(foreign)).toEqual([]);
  });

  describe(`RPC ${PaymentsRpc.ofOrder.pattern}`, () => {
    it('shows an admin the status, net charge and ledger of an order', async () => {
      const orderId = space.newOrderId();
      await sut.deliver(authorizeEnvelope(orderId, 'tok_visa'));
      const captured = await sut.rpc.call(PaymentsRpc.ofOrder, { orderId }, { actor: admin });
      expect(captured).toEqual({
        orderId,
        status: 'CAPTURED',
        netCharged: euros42,
        ledger: [expect.objectContaining({ orderId, kind: 'CAPTURE', amount: euros42 })],
      });
      await sut.deliver(refundEnvelope(orderId));
      const refunded = await sut.rpc.call(PaymentsRpc.ofOrder, { orderId }, { actor: admin });
      expect(refunded).toMatchObject({ status: 'REFUNDED', netCharged: { amount: 0, currency: 'EUR' } });
      expect(refunded.ledger.map((e) => e.kind)).toEqual(['CAPTURE', 'REFUND']);
    });

    it('answers NONE for an order it knows nothing of', async () => {
      const orderId = space.newOrderId();
      expect(await sut.rpc.call(PaymentsRpc.ofOrder, { orderId }, { actor: admin })).toEqual({
        orderId,
        status: 'NONE',
        netCharged: null,
        ledger: [],
      });
    });

    it('refuses anyone but an admin, and a malformed order id', async () => {
      const orderId = space.newOrderId();
      await expect(
        sut.rpc.call(PaymentsRpc.ofOrder, { orderId }, { actor: { userId: randomUUID(), role: 'customer' } }),
      ).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
      await expect(sut.rpc.call(PaymentsRpc.ofOrder, { orderId })).rejects.toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
      await expect(sut.rpc.call(PaymentsRpc.ofOrder, { orderId: 'nope' }, { actor: admin })).rejects.toMatchObject({
        code: 'VALIDATION.FAILED',
      });
    });
  });
});
