import type { Product, UpdateProduct } from '@shopmesh/contracts';
import type { ProductChanges } from '../product-change';

/** What an update of `before` does, decided before anything is written. */
export type UpdatePlan =
  | { kind: 'conflict' }
  | { kind: 'unchanged' }
  | { kind: 'change'; changes: ProductChanges; priceChange?: { previousPrice: Product['price']; price: Product['price'] } };

/**
 * An update made at another version than `before`'s is a conflict (the caller read a product that
 * changed since). Only fields whose value differs are changed; an update that changes nothing is a
 * no-op (the version stays, so other writers are not told of a conflict for nothing). A different
 * amount or currency is a price change, and only that publishes `ProductPriceChanged`.
 */
export function planUpdate(before: Product, input: UpdateProduct): UpdatePlan {
  if (before.version !== input.productVersion) return { kind: 'conflict' };
  const changes: ProductChanges = {};
  if (input.name !== undefined && input.name !== before.name) changes.name = input.name;
  if (input.description !== undefined && input.description !== before.description) changes.description = input.description;
  if (input.category !== undefined && input.category !== before.category) changes.category = input.category;
  const price = input.price;
  const repriced = price !== undefined && (price.amount !== before.price.amount || price.currency !== before.price.currency);
  if (repriced) changes.price = price;
  if (Object.keys(changes).length === 0) return { kind: 'unchanged' };
  return repriced
    ? { kind: 'change', changes, priceChange: { previousPrice: before.price, price } }
    : { kind: 'change', changes };
}
