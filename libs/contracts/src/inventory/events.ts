import { z } from 'zod';
import { defineMessage } from '../message-definition';

/** One line of a reservation: a SKU and how many units of it. */
export const StockLineSchema = z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().positive().max(10_000) });
export type StockLine = z.infer<typeof StockLineSchema>;

/** Why an order's stock was released. */
export const STOCK_RELEASE_REASONS = ['ORDER_CANCELLED', 'EXPIRED'] as const;

export const ReserveStock = defineMessage({
  topic: 'inventory.commands',
  type: 'ReserveStock',
  version: 1,
  key: 'order id',
  summary:
    'Command: reserve every line of an order or none, until `expiresAt`. Idempotent per order: a second ReserveStock ' +
    'for an order that was reserved, committed or released answers what happened the first time and holds nothing more.',
  payload: z.object({ orderId: z.uuid(), items: z.array(StockLineSchema).min(1).max(50), expiresAt: z.iso.datetime() }),
});

export const CommitStock = defineMessage({
  topic: 'inventory.commands',
  type: 'CommitStock',
  version: 1,
  key: 'order id',
  summary:
    "Command: turn an order's reservation into a sale (`onHand` and `reserved` both go down). Answered by " +
    'StockCommitted, or by StockReleased if the reservation had already expired or been released.',
  payload: z.object({ orderId: z.uuid() }),
});

export const ReleaseStock = defineMessage({
  topic: 'inventory.commands',
  type: 'ReleaseStock',
  version: 1,
  key: 'order id',
  summary:
    "Command: release an order's reserved stock, or put its committed stock back on hand. Idempotent; releasing an " +
    'order that holds nothing (never reserved, rejected, already released) still answers StockReleased, and a ' +
    'ReserveStock arriving after it reserves nothing.',
  payload: z.object({ orderId: z.uuid(), reason: z.enum(STOCK_RELEASE_REASONS) }),
});

export const StockReserved = defineMessage({
  topic: 'inventory.events',
  type: 'StockReserved',
  version: 1,
  key: 'order id',
  summary: 'Stock is reserved for every line of the order, until `expiresAt`.',
  payload: z.object({ orderId: z.uuid(), items: z.array(StockLineSchema).min(1), expiresAt: z.iso.datetime() }),
});

export const StockRejected = defineMessage({
  topic: 'inventory.events',
  type: 'StockRejected',
  version: 1,
  key: 'order id',
  summary: 'Some line could not be reserved (unknown SKU or not enough available); nothing is held.',
  payload: z.object({ orderId: z.uuid(), unavailableSkus: z.array(z.string()) }),
});

export const StockCommitted = defineMessage({
  topic: 'inventory.events',
  type: 'StockCommitted',
  version: 1,
  key: 'order id',
  summary: "The order's reservation became a sale.",
  payload: z.object({ orderId: z.uuid() }),
});

export const StockReleased = defineMessage({
  topic: 'inventory.events',
  type: 'StockReleased',
  version: 1,
  key: 'order id',
  summary:
    'The order holds no stock any more: its reservation was released (on command or because it expired) or its ' +
    'committed stock went back on hand. `reason` says which.',
  payload: z.object({ orderId: z.uuid(), reason: z.enum(STOCK_RELEASE_REASONS) }),
});
