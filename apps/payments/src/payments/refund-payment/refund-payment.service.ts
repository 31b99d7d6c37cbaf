import { Inject, Injectable } from '@nestjs/common';
import { PaymentRefunded, type Money, type PayloadOf, type RefundPayment } from '@shopmesh/contracts';
import { NonRetriableError, messageOf, type ConsumerTransaction } from '@shopmesh/messaging';
import { ProviderRejectedError } from '../../provider/payment-provider';
import type { ProviderClient } from '../../provider/provider-client';
import { authorizationKeyOf } from '../authorize-payment/authorize-payment.service';
import { decideRefund } from '../domain/payment-decision';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentRecords } from '../payment-records';
import { PROVIDER_CLIENT } from '../payments.tokens';

export type RefundCommand = PayloadOf<typeof RefundPayment>;

export const refundKeyOf = (orderId: string): string => `refund:${orderId}`;

/**
 * RefundPayment, once per order: gives back what the order was charged and voids it, so a later
 * AuthorizePayment charges nothing. An order whose charge got no answer (or that payments never
 * saw) is looked up at the provider by its authorization key first: a charge made there after all
 * is refunded too.
 */
@Injectable()
export class RefundPaymentService {
  constructor(
    @Inject(PROVIDER_CLIENT) private readonly provider: ProviderClient,
    private readonly metrics: PaymentMetrics,
  ) {}

  async refund(command: RefundCommand, tx: ConsumerTransaction, causationId: string): Promise<void> {
    const { orderId, reason } = command;
    const records = new PaymentRecords(tx);
    const decision = decideRefund(await records.lock(orderId));
    const answer = (paymentId: string | null, amount: Money | null) =>
      tx.publish([messageOf(PaymentRefunded, orderId, { orderId, paymentId, amount }, causationId)]);
    switch (decision.kind) {
      case 'answer-refunded':
        await answer(decision.paymentId, decision.amount);
        this.metrics.count(decision.paymentId ? 'refunded' : 'voided', true);
        return;
      case 'refund':
        await this.giveBack(orderId, decision.paymentId, decision.amount);
        await records.recordRefund(orderId, decision.paymentId, decision.amount, reason);
        await answer(decision.paymentId, decision.amount);
        this.metrics.count('refunded');
        return;
      case 'void-after-checking-provider': {
        const charge = await this.provider.find(authorizationKeyOf(orderId));
        if (charge?.status === 'APPROVED' && charge.chargeId) {
          await this.giveBack(orderId, charge.chargeId, charge.amount);
          await records.recordLateCapture(orderId, charge.chargeId, charge.amount);
          await records.recordRefund(orderId, charge.chargeId, charge.amount, reason);
          await answer(charge.chargeId, charge.amount);
          this.metrics.count('refunded');
          return;
        }
        break;
      }
      case 'void':
        break;
    }
    await records.recordVoid(orderId, reason);
    await answer(null, null);
    this.metrics.count('voided');
  }

  private async giveBack(orderId: string, chargeId: string, amount: Money): Promise<void> {
    try {
      await this.provider.refund({ idempotencyKey: refundKeyOf(orderId), chargeId, amount });
    } catch (error) {
      if (error instanceof ProviderRejectedError) throw new NonRetriableError(`order ${orderId}: ${error.message}`);
      throw error;
    }
  }
}
