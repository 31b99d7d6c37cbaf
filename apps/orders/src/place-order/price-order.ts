import type { Money, OrderLine } from '@shopmesh/contracts';

/** A product as catalog sells it now. */
export interface ProductOffer {
  id: string;
  sku: string;
  name: string;
  price: Money;
  active: boolean;
}

export type PricedOrder =
  | { ok: true; lines: OrderLine[]; total: Money }
  | { ok: false; reason: 'PRODUCT_UNAVAILABLE'; productIds: string[] }
  | { ok: false; reason: 'CURRENCY_MISMATCH'; currencies: string[] }
  | { ok: false; reason: 'TOTAL_TOO_LARGE' };

/**
 * The lines of an order at catalog's current prices, in the order asked for: every product must
 * exist and be on sale, all in one currency, and the total must stay a safe integer.
 */
export function priceOrder(
  items: readonly { productId: string; quantity: number }[],
  offers: readonly ProductOffer[],
): PricedOrder {
  const byId = new Map(offers.filter((o) => o.active).map((o) => [o.id, o]));
  const missing = items.filter((i) => !byId.has(i.productId)).map((i) => i.productId);
  if (missing.length > 0) return { ok: false, reason: 'PRODUCT_UNAVAILABLE', productIds: missing };
  const lines = items.map((item): OrderLine => {
    const offer = byId.get(item.productId) as ProductOffer;
    return { productId: offer.id, sku: offer.sku, name: offer.name, quantity: item.quantity, unitPrice: offer.price };
  });
  const currencies = [...new Set(lines.map((l) => l.unitPrice.currency))];
  if (currencies.length > 1) return { ok: false, reason: 'CURRENCY_MISMATCH', currencies };
  let amount = 0;
  for (const line of lines) {
    amount += line.unitPrice.amount * line.quantity;
    if (!Number.isSafeInteger(amount)) return { ok: false, reason: 'TOTAL_TOO_LARGE' };
  }
  return { ok: true, lines, total: { amount, currency: currencies[0] } };
}
