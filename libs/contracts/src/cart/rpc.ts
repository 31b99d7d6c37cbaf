import { z } from 'zod';
import { MoneySchema } from '../money';
import { defineRpc } from '../rpc-definition';

/** Lines a cart may hold (distinct products). */
export const CART_MAX_LINES = 50;
/** Quantities a line may have. */
export const CART_MIN_QUANTITY = 1;
export const CART_MAX_QUANTITY = 99;
/** The currency of the total of an empty cart: ISO 4217 "no currency involved". */
export const CART_NO_CURRENCY = 'XXX';

const QUANTITY_EXPECTED = `expected an integer from ${CART_MIN_QUANTITY} to ${CART_MAX_QUANTITY}`;

const productId = z.uuid({ error: 'expected a UUID' });
const quantity = z
  .number({ error: QUANTITY_EXPECTED })
  .int({ error: QUANTITY_EXPECTED })
  .min(CART_MIN_QUANTITY, { error: QUANTITY_EXPECTED })
  .max(CART_MAX_QUANTITY, { error: QUANTITY_EXPECTED });

/** One line of a cart: a product, its quantity and the price the user added it at. */
export const CartItemSchema = z.object({
  productId: z.uuid(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().min(CART_MIN_QUANTITY).max(CART_MAX_QUANTITY),
  /** The catalogue price when the user last set this line (added it or changed its quantity). */
  unitPrice: MoneySchema,
  /** The catalogue price is no longer `unitPrice`; setting the line again accepts the new one. */
  priceChanged: z.boolean(),
  /** The catalogue price now, present exactly when `priceChanged`. */
  currentUnitPrice: MoneySchema.optional(),
  /** The product was withdrawn from sale: the line cannot be ordered (and is left out of `total`). */
  unavailable: z.boolean(),
});
export type CartItem = z.infer<typeof CartItemSchema>;

/**
 * The total of a cart: the sum of `quantity × unitPrice` over the lines that are not `unavailable`,
 * that is at the prices the user added the items at (`basis: 'added-prices'`), never at a price the
 * user has not seen; lines whose price changed say so with `priceChanged` and `currentUnitPrice`.
 * Every line of a cart has one currency; an empty cart's total is `{amount: 0, currency: 'XXX'}`.
 */
export const CartTotalSchema = MoneySchema.extend({ basis: z.literal('added-prices') });
export type CartTotal = z.infer<typeof CartTotalSchema>;

/** The caller's cart (lines in the order they were first added). */
export const CartSchema = z.object({
  items: z.array(CartItemSchema).max(CART_MAX_LINES),
  total: CartTotalSchema,
  /** The number of lines (distinct products), at most 50. */
  lineCount: z.number().int().min(0).max(CART_MAX_LINES),
});
export type Cart = z.infer<typeof CartSchema>;

/** `PUT /v1/cart/items/:productId` body. */
export const SetCartItemBodySchema = z.object({ quantity }).strict();
export type SetCartItemBody = z.infer<typeof SetCartItemBodySchema>;

/** `:productId` of the cart item routes. */
export const CartItemParamsSchema = z.object({ productId }).strict();
export type CartItemParams = z.infer<typeof CartItemParamsSchema>;

export const SetCartItemSchema = z.object({ productId, quantity }).strict();
export type SetCartItem = z.infer<typeof SetCartItemSchema>;

const NoFieldsSchema = z.object({}).strict();

/**
 * RPCs served by cart. Each acts for the user in the message's `actor` (set by the gateway from a
 * verified token; a call without one is `AUTH.UNAUTHENTICATED`), never for a user named in the
 * payload, and each answers the cart as it is after the call. Prices come from catalog, never
 * from the caller. All are safe to retry: they set a state rather than add to it.
 */
export const CartRpc = {
  get: defineRpc({ pattern: 'cart.get', request: NoFieldsSchema, response: CartSchema, idempotent: true }),
  /**
   * Adds the product with this quantity, or replaces the quantity of its line; either way the line
   * takes the product's current name, SKU and price from catalog (which is how a user accepts a
   * changed price: `priceChanged` clears). `CART.PRODUCT_UNAVAILABLE` for an unknown or inactive
   * product, `CART.TOO_MANY_LINES` past 50 lines, `CART.CURRENCY_MISMATCH` for a product priced in
   * another currency than the cart's lines, `CART.TOTAL_TOO_LARGE` if the total would not be a safe integer.
   */
  setItem: defineRpc({ pattern: 'cart.items.set', request: SetCartItemSchema, response: CartSchema, idempotent: true }),
  /** Removes the product's line; removing a line that is not in the cart changes nothing (no error). */
  removeItem: defineRpc({
    pattern: 'cart.items.remove',
    request: CartItemParamsSchema,
    response: CartSchema,
    idempotent: true,
  }),
  /** Empties the cart. */
  clear: defineRpc({ pattern: 'cart.clear', request: NoFieldsSchema, response: CartSchema, idempotent: true }),
};
