import { Inject, Injectable, Logger } from '@nestjs/common';
import { PaymentAuthorized, PaymentDeclined, type AuthorizePayment, type PayloadOf } from '@shopmesh/contracts';
import { NonRetriableError, messageOf, type ConsumerTransaction } from '@shopmesh/messaging';
import type { PaymentFaults } from '../../faults/payment-faults';
import { ProviderRejectedError } from '../../provider/payment-provider';
import type { AuthorizeResult, ProviderClient } from '../../provider/provider-client';
import { decideAuthorize, effectOfCharge, type ChargeResult } from '../domain/payment-decision';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentRecords } from '../payment-records';
import { PAYMENT_FAULTS, PROVIDER_CLIENT } from '../payments.tokens';

export type AuthorizeCommand = PayloadOf<typeof AuthorizePayment>;

/** The provider's idempotency key of an order's charge: one charge per order, however often it is asked. */
export const authorizationKeyOf = (orderId: string): string => `authorize:${orderId}`;

/**
 * AuthorizePayment, once per order: charges through the provider (retrying in place) unless the
 * order was decided before, records the outcome and its reply in the consumer's transaction. A
 * provider that never answered leaves the payment PENDING and answers nothing: the saga's deadline
 * follows with RefundPayment, which voids it (and refunds a charge that turns out to have happened).
 */
@Injectable()
export class AuthorizePaymentService {
  private readonly logger = new Logger(AuthorizePaymentService.name);

  constructor(
    @Inject(PROVIDER_CLIENT) private readonly provider: ProviderClient,
    private readonly metrics: PaymentMetrics,
    @Inject(PAYMENT_FAULTS) private readonly faults: PaymentFaults,
  ) {}

  async authorize(command: AuthorizeCommand, tx: ConsumerTransaction, causationId: string): Promise<void> {
    const { orderId, amount, paymentToken } = command;
    const records = new PaymentRecords(tx);
    const decision = decideAuthorize(await records.lock(orderId));
    switch (decision.kind) {
      case 'answer-authorized':
        await tx.publish([messageOf(PaymentAuthorized, orderId, { orderId, ...decision }, causationId)]);
        this.metrics.count('authorized', true);
        return;
      case 'answer-declined':
        await tx.publish([messageOf(PaymentDeclined, orderId, { orderId, reason: decision.reason }, causationId)]);
        this.metrics.count('declined', true);
        return;
      case 'charge':
        break;
    }
    if (amount.amount === 0) throw new NonRetriableError(`order ${orderId}: nothing to charge (amount 0)`);
    await records.recordPending(orderId, amount, paymentToken);
    const result = await this.charge(command);
    const effect = effectOfCharge(chargeResultOf(result));
    switch (effect.kind) {
      case 'capture':
        await records.recordCapture(orderId, effect.paymentId, effect.amount);
        await tx.publish([
          messageOf(PaymentAuthorized, orderId, { orderId, paymentId: effect.paymentId, amount: effect.amount }, causationId),
        ]);
        this.metrics.count('authorized');
        return;
      case 'decline':
        await records.recordDecline(orderId, result.kind === 'declined' ? result.reason : 'DECLINED');
        await tx.publish([messageOf(PaymentDeclined, orderId, { orderId, reason: 'DECLINED' }, causationId)]);
        this.metrics.count('declined');
        return;
      case 'stay-pending':
        this.logger.warn(
          `order ${orderId}: the payment provider gave no answer after ${result.attempts} call(s) (${
            result.kind === 'unanswered' ? result.lastError : ''
          }); the payment stays PENDING until RefundPayment voids it`,
        );
        this.metrics.count('timeout');
        return;
    }
  }

  private async charge(command: AuthorizeCommand): Promise<AuthorizeResult> {
    const { orderId, amount, paymentToken } = command;
    try {
      const result = await this.provider.authorize({
        idempotencyKey: authorizationKeyOf(orderId),
        orderId,
        token: paymentToken,
        amount,
      });
      if (result.kind === 'approved' && !result.replayed) this.faults.afterProviderCharge();
      return result;
    } catch (error) {
      if (error instanceof ProviderRejectedError) throw new NonRetriableError(`order ${orderId}: ${error.message}`);
      throw error;
    }
  }
}

const chargeResultOf = (result: AuthorizeResult): ChargeResult =>
  result.kind === 'approved' ? { kind: 'approved', chargeId: result.chargeId, amount: result.amount } : { kind: result.kind };
