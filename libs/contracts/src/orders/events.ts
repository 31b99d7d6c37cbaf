import { z } from 'zod';
import { MoneySchema } from '../money';
import { defineMessage } from '../message-definition';

export const CANCELLATION_REASONS = ['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'TIMEOUT', 'CANCELLED_BY_USER'] as const;

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
  summary: 'An order was accepted; the checkout saga starts.',
  payload: z.object({ orderId: z.uuid(), userId: z.uuid(), items: z.array(OrderLine).min(1), total: MoneySchema }),
});

export const OrderConfirmed = defineMessage({
  topic: 'orders.events',
  type: 'OrderConfirmed',
  version: 1,
  key: 'order id',
  summary: 'Stock is committed and payment authorized: the order is confirmed.',
  payload: z.object({ orderId: z.uuid() }),
});

export const OrderCancelled = defineMessage({
  topic: 'orders.events',
  type: 'OrderCancelled',
  version: 1,
  key: 'order id',
  summary: 'The order was cancelled; whatever the saga had done is compensated.',
  payload: z.object({ orderId: z.uuid(), reason: z.enum(CANCELLATION_REASONS) }),
});
