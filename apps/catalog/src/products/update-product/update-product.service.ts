import { Inject, Injectable } from '@nestjs/common';
import { ProductPriceChanged, type UpdateProduct } from '@shopmesh/contracts';
import { messageOf } from '@shopmesh/messaging';
import { ProductCache, type CatalogCache } from '../product-cache';
import type { ProductChange } from '../product-change';
import { ProductRepository, type ProductStore } from '../product.repository';
import { planUpdate } from './plan-update';

/**
 * Changes a product read at `productVersion` (see `planUpdate`). The version is checked again in the
 * UPDATE itself, so of two writers that read the same version only one succeeds.
 */
@Injectable()
export class UpdateProductService {
  constructor(
    @Inject(ProductRepository) private readonly products: ProductStore,
    @Inject(ProductCache) private readonly cache: CatalogCache,
  ) {}

  async update(input: UpdateProduct): Promise<ProductChange> {
    const change = await this.products.transaction(async (tx): Promise<ProductChange> => {
      const before = await tx.findById(input.id);
      if (!before) return { ok: false, reason: 'NOT_FOUND' };
      const plan = planUpdate(before, input);
      switch (plan.kind) {
        case 'conflict':
          return { ok: false, reason: 'VERSION_CONFLICT' };
        case 'unchanged':
          return { ok: true, product: before, changed: false };
        case 'change': {
          const product = await tx.updateAtVersion(input.id, input.productVersion, plan.changes);
          if (!product) return { ok: false, reason: 'VERSION_CONFLICT' }; // changed since we read it
          if (plan.priceChange) {
            await tx.record([
              messageOf(ProductPriceChanged, product.id, {
                productId: product.id,
                sku: product.sku,
                ...plan.priceChange,
                productVersion: product.version,
              }),
            ]);
          }
          return { ok: true, product, changed: true };
        }
      }
    });
    if (change.ok && change.changed) await this.cache.catalogChanged();
    return change;
  }
}
