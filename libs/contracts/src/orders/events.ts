import { z } from 'zod';
import { MoneySchema } from '../money';
import { defineMessage } from '../message-definition';

/** Why an order was cancelled. */
export const CANCELLATION_REASONS = [
  'OUT_OF_STOCK',
  'PAYMENT_DECLINED',
  'TIMEOUT',
  'CANCELLED_BY_USER',
  'CANCELLED_BY_OPERATOR',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

const OrderLine = z.object({
  productId: z.uuid(),
  sku: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: MoneySchema,
});

export const OrderPlaced = defineMessage({
  topic: 'orders.events',
  type: 'OrderPlaced',
  version: 1,
  key: 'order id',
  summary: 'An order was accepted (status PENDING); the checkout saga starts.',
  payload: z.object({ orderId: z.uuid(), userId: z.uuid(), items: z.array(OrderLine).min(1), total: MoneySchema }),
});

export const OrderConfirmed = defineMessage({
  topic: 'orders.events',
  type: 'OrderConfirmed',
  version: 1,
  key: 'order id',
  summary: 'Stock is committed and the payment captured: the order is confirmed.',
  payload: z.object({ orderId: z.uuid(), userId: z.uuid(), total: MoneySchema }),
});

export const OrderCancelled = defineMessage({
  topic: 'orders.events',
  type: 'OrderCancelled',
  version: 1,
  key: 'order id',
  summary: 'The order was cancelled and whatever the saga had done is compensated: it holds no stock and no net charge.',
  payload: z.object({ orderId: z.uuid(), userId: z.uuid(), reason: z.enum(CANCELLATION_REASONS) }),
});
