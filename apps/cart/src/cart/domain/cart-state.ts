import {
  CART_MAX_LINES,
  CART_MAX_QUANTITY,
  CART_MIN_QUANTITY,
  CART_NO_CURRENCY,
  type Cart,
  type Money,
} from '@shopmesh/contracts';

/** A line as the cart keeps it: what the user sees, plus the catalogue versions it was built from. */
export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  /** The price the user set the line at. */
  unitPrice: Money;
  /** The product's version the line was snapshotted at. */
  productVersion: number;
  /** The newest product version applied to the line (starts at `productVersion`): older events are ignored. */
  seenVersion: number;
  /** The catalogue price, when it is not `unitPrice`. */
  currentUnitPrice?: Money;
  unavailable: boolean;
}

/** One user's cart. */
export interface CartState {
  lines: CartLine[];
}

/** A product as catalog answers it now: what a line is snapshotted from. */
export interface ProductSnapshot {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  version: number;
}

export type SetLineRefusal = 'INVALID_QUANTITY' | 'TOO_MANY_LINES' | 'CURRENCY_MISMATCH' | 'TOTAL_TOO_LARGE';
export type SetLineOutcome = { ok: true; cart: CartState } | { ok: false; reason: SetLineRefusal };

export const EMPTY_CART: CartState = Object.freeze({ lines: [] });

export const isValidQuantity = (quantity: number): boolean =>
  Number.isInteger(quantity) && quantity >= CART_MIN_QUANTITY && quantity <= CART_MAX_QUANTITY;

export const sameMoney = (a: Money, b: Money): boolean => a.amount === b.amount && a.currency === b.currency;

/**
 * Adds the product with `quantity`, or replaces its line (keeping the line's place): the line is
 * snapshotted afresh, so a changed price is accepted and `priceChanged` clears. A cart holds at
 * most 50 lines, all in one currency, and its total stays a safe integer.
 */
export function setLine(cart: CartState, product: ProductSnapshot, quantity: number): SetLineOutcome {
  if (!isValidQuantity(quantity)) return { ok: false, reason: 'INVALID_QUANTITY' };
  const others = cart.lines.filter((l) => l.productId !== product.productId);
  const replacing = others.length < cart.lines.length;
  if (!replacing && cart.lines.length >= CART_MAX_LINES) return { ok: false, reason: 'TOO_MANY_LINES' };
  if (others.some((l) => l.unitPrice.currency !== product.price.currency)) return { ok: false, reason: 'CURRENCY_MISMATCH' };
  const line: CartLine = {
    productId: product.productId,
    sku: product.sku,
    name: product.name,
    quantity,
    unitPrice: product.price,
    productVersion: product.version,
    seenVersion: product.version,
    unavailable: false,
  };
  const lines = replacing ? cart.lines.map((l) => (l.productId === product.productId ? line : l)) : [...cart.lines, line];
  if (sumOf(lines) > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'TOTAL_TOO_LARGE' };
  return { ok: true, cart: { lines } };
}

/** The cart without the product's line (the same cart if it has none). */
export function removeLine(cart: CartState, productId: string): CartState {
  const lines = cart.lines.filter((l) => l.productId !== productId);
  return lines.length === cart.lines.length ? cart : { lines };
}

function sumOf(lines: readonly CartLine[]): bigint {
  return lines.reduce((sum, l) => sum + BigInt(l.unitPrice.amount) * BigInt(l.quantity), 0n);
}

/**
 * What the user sees: the lines, and the total at the prices they were added at over the lines that
 * can still be ordered (see `CartTotalSchema`).
 */
export function viewOf(cart: CartState): Cart {
  const currency = cart.lines[0]?.unitPrice.currency ?? CART_NO_CURRENCY;
  return {
    items: cart.lines.map((l) => ({
      productId: l.productId,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      priceChanged: l.currentUnitPrice !== undefined,
      ...(l.currentUnitPrice ? { currentUnitPrice: l.currentUnitPrice } : {}),
      unavailable: l.unavailable,
    })),
    total: { amount: Number(sumOf(cart.lines.filter((l) => !l.unavailable))), currency, basis: 'added-prices' },
    lineCount: cart.lines.length,
  };
}
