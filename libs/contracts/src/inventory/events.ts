import { z } from 'zod';
import { defineMessage } from '../message-definition';

const StockLine = z.object({ sku: z.string(), quantity: z.number().int().positive() });

export const ReserveStock = defineMessage({
  topic: 'inventory.commands',
  type: 'ReserveStock',
  version: 1,
  key: 'order id',
  summary: 'Command: reserve stock for every line of an order, until `expiresAt`.',
  payload: z.object({ orderId: z.uuid(), items: z.array(StockLine).min(1), expiresAt: z.iso.datetime() }),
});

export const CommitStock = defineMessage({
  topic: 'inventory.commands',
  type: 'CommitStock',
  version: 1,
  key: 'order id',
  summary: "Command: turn an order's reservation into a sale.",
  payload: z.object({ orderId: z.uuid() }),
});

export const ReleaseStock = defineMessage({
  topic: 'inventory.commands',
  type: 'ReleaseStock',
  version: 1,
  key: 'order id',
  summary: "Command: release an order's reserved (or committed) stock.",
  payload: z.object({ orderId: z.uuid(), reason: z.string() }),
});

export const StockReserved = defineMessage({
  topic: 'inventory.events',
  type: 'StockReserved',
  version: 1,
  key: 'order id',
  summary: 'Stock is reserved for every line of the order.',
  payload: z.object({ orderId: z.uuid(), expiresAt: z.iso.datetime() }),
});

export const StockRejected = defineMessage({
  topic: 'inventory.events',
  type: 'StockRejected',
  version: 1,
  key: 'order id',
  summary: 'Some line could not be reserved; nothing is held.',
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
  summary: "The order's stock is available again.",
  payload: z.object({ orderId: z.uuid() }),
});
