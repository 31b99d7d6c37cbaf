import { z } from 'zod';
import { MoneySchema } from '../money';
import { defineMessage } from '../message-definition';

export const AuthorizePayment = defineMessage({
  topic: 'payments.commands',
  type: 'AuthorizePayment',
  version: 1,
  key: 'order id',
  summary: 'Command: authorize (and capture) the order total with a payment token.',
  payload: z.object({ orderId: z.uuid(), amount: MoneySchema, paymentToken: z.string().min(1).max(100) }),
});

export const RefundPayment = defineMessage({
  topic: 'payments.commands',
  type: 'RefundPayment',
  version: 1,
  key: 'order id',
  summary: "Command: refund an order's captured payment.",
  payload: z.object({ orderId: z.uuid(), paymentId: z.uuid(), amount: MoneySchema }),
});

export const PaymentAuthorized = defineMessage({
  topic: 'payments.events',
  type: 'PaymentAuthorized',
  version: 1,
  key: 'order id',
  summary: 'The payment was authorized and captured.',
  payload: z.object({ orderId: z.uuid(), paymentId: z.uuid(), amount: MoneySchema }),
});

export const PaymentDeclined = defineMessage({
  topic: 'payments.events',
  type: 'PaymentDeclined',
  version: 1,
  key: 'order id',
  summary: 'The payment was declined; nothing was charged.',
  payload: z.object({ orderId: z.uuid(), reason: z.string() }),
});

export const PaymentRefunded = defineMessage({
  topic: 'payments.events',
  type: 'PaymentRefunded',
  version: 1,
  key: 'order id',
  summary: 'The payment was refunded.',
  payload: z.object({ orderId: z.uuid(), paymentId: z.uuid(), amount: MoneySchema }),
});
