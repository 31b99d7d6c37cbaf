import type { Product } from '@shopmesh/contracts';

/** A `products` row as node-postgres returns it (`bigint` as a string). */
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price_amount: string;
  price_currency: string;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The columns every read of a product selects (never the search vector). */
export const PRODUCT_COLUMNS =
  'id, sku, name, description, category, price_amount, price_currency, active, version, created_at, updated_at';

export const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  description: row.description,
  category: row.category,
  price: { amount: Number(row.price_amount), currency: row.price_currency },
  active: row.active,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});
