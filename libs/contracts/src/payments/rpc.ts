import { z } from 'zod';
import { MoneySchema } from '../money';
import { defineRpc } from '../rpc-definition';

/** One movement of money in the payments ledger: a capture (+) or a refund (-) for an order. */
export const LedgerEntrySchema = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  paymentId: z.uuid(),
  kind: z.enum(['CAPTURE', 'REFUND']),
  amount: MoneySchema,
  at: z.iso.datetime(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** What payments knows of one order. */
export const OrderPaymentSchema = z.object({
  orderId: z.uuid(),
  status: z.enum(['NONE', 'PENDING', 'CAPTURED', 'DECLINED', 'REFUNDED', 'VOIDED']),
  /** Sum of the order's ledger entries (captures minus refunds), in its currency; null without any. */
  netCharged: MoneySchema.nullable(),
  ledger: z.array(LedgerEntrySchema),
});
export type OrderPayment = z.infer<typeof OrderPaymentSchema>;

/** RPCs served by payments, for admins (`AUTH.FORBIDDEN` otherwise). Charges travel as commands. */
export const PaymentsRpc = {
  ofOrder: defineRpc({
    pattern: 'payments.of-order',
    request: z.object({ orderId: z.uuid({ error: 'expected a UUID' }) }).strict(),
    response: OrderPaymentSchema,
    idempotent: true,
  }),
};
