/** The fewest and most units a demo SKU starts with. */
export const DEMO_STOCK_RANGE = { min: 10, max: 100 } as const;

/**
 * The units a demo SKU starts with: from 10 to 100, derived from the SKU alone (FNV-1a hash), so
 * every run on every machine gives every SKU the same stock.
 */
export function demoStockOf(sku: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sku.length; i += 1) {
    hash ^= sku.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return DEMO_STOCK_RANGE.min + (hash % (DEMO_STOCK_RANGE.max - DEMO_STOCK_RANGE.min + 1));
}
