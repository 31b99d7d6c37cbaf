import type { Money } from '@shopmesh/contracts';
import { sameMoney, type CartLine, type CartState } from './cart-state';

/**
 * What the cart learns from catalog.events about one product. A price carries the product version
 * it was set at, so changes are applied newest-wins whatever order (or how often) they arrive in;
 * a withdrawal is final, so applying it again changes nothing.
 */
export type CatalogChange =
  { kind: 'price'; productId: string; price: Money; productVersion: number } | { kind: 'withdrawn'; productId: string };

/**
 * The line after the change: a price newer than any the line has seen flags it (or clears the flag
 * when the price is back at the one the user added it at); an older or equal one leaves it as it is.
 */
export function applyToLine(line: CartLine, change: CatalogChange): CartLine {
  if (change.kind === 'withdrawn') return line.unavailable ? line : { ...line, unavailable: true };
  if (change.productVersion <= line.seenVersion) return line;
  const { currentUnitPrice: _previous, ...rest } = line;
  return sameMoney(change.price, line.unitPrice)
    ? { ...rest, seenVersion: change.productVersion }
    : { ...rest, seenVersion: change.productVersion, currentUnitPrice: change.price };
}

/** The cart after the change (the same object when nothing changed, so nothing needs writing). */
export function applyToCart(cart: CartState, change: CatalogChange): CartState {
  let changed = false;
  const lines = cart.lines.map((line) => {
    if (line.productId !== change.productId) return line;
    const next = applyToLine(line, change);
    changed ||= next !== line;
    return next;
  });
  return changed ? { lines } : cart;
}

/** What the cart has learnt about a product from catalog.events: its newest price, and whether it was withdrawn. */
export interface KnownProduct {
  productId: string;
  latestPrice?: { price: Money; productVersion: number };
  withdrawn: boolean;
}

/** The changes that bring a line up to what is known of its product. */
export function changesFrom(known: KnownProduct): CatalogChange[] {
  return [
    ...(known.latestPrice ? [{ kind: 'price' as const, productId: known.productId, ...known.latestPrice }] : []),
    ...(known.withdrawn ? [{ kind: 'withdrawn' as const, productId: known.productId }] : []),
  ];
}
