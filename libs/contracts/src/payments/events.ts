import { z } from 'zod';
import { MoneySchema } from '../money';
import { defineMessage } from '../message-definition';

/** Payment tokens are opaque to ShopMesh; the simulated provider knows tok_visa, tok_decline, tok_timeout, tok_flaky. */
export const PaymentTokenSchema = z.string().min(1).max(100);

export const AuthorizePayment = defineMessage({
  topic: 'payments.commands',
  type: 'AuthorizePayment',
  version: 1,
  key: 'order id',
  summary:
    'Command: authorize and capture the order total with a payment token. Idempotent per order: the provider is ' +
    'called with an idempotency key of the order, so a redelivered or retried command never charges twice. An ' +
    'order that was already refunded or voided (RefundPayment came first) is never charged.',
  payload: z.object({ orderId: z.uuid(), amount: MoneySchema, paymentToken: PaymentTokenSchema }),
});

export const RefundPayment = defineMessage({
  topic: 'payments.commands',
  type: 'RefundPayment',
  version: 1,
  key: 'order id',
  summary:
    'Command: give back whatever the order was charged (nothing if it was never charged) and void it, so a later ' +
    'AuthorizePayment for the order charges nothing. Idempotent: answered by one PaymentRefunded per order.',
  payload: z.object({ orderId: z.uuid(), reason: z.string().min(1).max(64) }),
});

export const PaymentAuthorized = defineMessage({
  topic: 'payments.events',
  type: 'PaymentAuthorized',
  version: 1,
  key: 'order id',
  summary: 'The payment was authorized and captured: the order was charged `amount` once.',
  payload: z.object({ orderId: z.uuid(), paymentId: z.uuid(), amount: MoneySchema }),
});

export const PaymentDeclined = defineMessage({
  topic: 'payments.events',
  type: 'PaymentDeclined',
  version: 1,
  key: 'order id',
  summary: 'The payment was declined (by the provider, or because the order had been voided); nothing was charged.',
  payload: z.object({ orderId: z.uuid(), reason: z.enum(['DECLINED', 'VOIDED']) }),
});

export const PaymentRefunded = defineMessage({
  topic: 'payments.events',
  type: 'PaymentRefunded',
  version: 1,
  key: 'order id',
  summary:
    'The order holds no charge any more: `amount` was given back (`paymentId` and `amount` are null if it had never ' +
    'been charged) and the order is void.',
  payload: z.object({ orderId: z.uuid(), paymentId: z.uuid().nullable(), amount: MoneySchema.nullable() }),
});
