import { z } from 'zod';
import { MoneySchema } from '../money';
import { defineMessage } from '../message-definition';

export const ProductCreated = defineMessage({
  topic: 'catalog.events',
  type: 'ProductCreated',
  version: 1,
  key: 'product id',
  summary: 'A product was added to the catalogue.',
  payload: z.object({ productId: z.uuid(), sku: z.string(), name: z.string(), category: z.string(), price: MoneySchema }),
});

export const ProductPriceChanged = defineMessage({
  topic: 'catalog.events',
  type: 'ProductPriceChanged',
  version: 1,
  key: 'product id',
  summary: 'The price of a product changed; `version` orders changes of one product.',
  payload: z.object({
    productId: z.uuid(),
    sku: z.string(),
    previousPrice: MoneySchema,
    price: MoneySchema,
    productVersion: z.number().int(),
  }),
});

export const ProductDeactivated = defineMessage({
  topic: 'catalog.events',
  type: 'ProductDeactivated',
  version: 1,
  key: 'product id',
  summary: 'A product was withdrawn from sale.',
  payload: z.object({ productId: z.uuid(), sku: z.string() }),
});
