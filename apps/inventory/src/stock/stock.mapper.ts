import type { Stock } from '@shopmesh/contracts';
import type { StockRow } from './stock.store';

export const toStock = (row: StockRow): Stock => ({
  sku: row.sku,
  onHand: row.on_hand,
  reserved: row.reserved,
  available: row.on_hand - row.reserved,
  updatedAt: row.updated_at.toISOString(),
});
