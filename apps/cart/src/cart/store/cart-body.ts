import { z } from 'zod';
import { MoneySchema } from '@shopmesh/contracts';
import type { CartState } from '../domain/cart-state';

/**
 * The stored form of a cart, checked when read back: a cart written by an older or newer version
 * of the service that does not fit is an error, not a silently wrong line.
 */
const StoredCartSchema = z.object({
  v: z.literal(1),
  lines: z.array(
    z.object({
      productId: z.string(),
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      unitPrice: MoneySchema,
      productVersion: z.number().int(),
      seenVersion: z.number().int(),
      currentUnitPrice: MoneySchema.optional(),
      unavailable: z.boolean(),
    }),
  ),
});

export const serializeCartBody = (cart: CartState): string => JSON.stringify({ v: 1, lines: cart.lines });

export function parseCartBody(body: string): CartState {
  const { lines } = StoredCartSchema.parse(JSON.parse(body));
  return { lines };
}
