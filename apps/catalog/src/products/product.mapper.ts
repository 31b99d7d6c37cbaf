import type { Product } from '@shopmesh/contracts';
import type { ProductEntity } from './product.entity';

export const toProduct = (row: ProductEntity): Product => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  description: row.description,
  category: row.category,
  price: { amount: row.priceAmount, currency: row.priceCurrency },
  active: row.active,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
