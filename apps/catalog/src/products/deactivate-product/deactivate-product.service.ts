import { Inject, Injectable } from '@nestjs/common';
import { ProductDeactivated } from '@shopmesh/contracts';
import { messageOf } from '@shopmesh/messaging';
import { ProductCache, type CatalogCache } from '../product-cache';
import type { ProductChange } from '../product-change';
import { ProductRepository, type ProductStore } from '../product.repository';

/**
 * Withdraws a product from sale; `ProductDeactivated` commits with it. Deactivating an inactive
 * product is a no-op: it answers the product as it is and publishes nothing (safe to retry).
 */
@Injectable()
export class DeactivateProductService {
  constructor(
    @Inject(ProductRepository) private readonly products: ProductStore,
    @Inject(ProductCache) private readonly cache: CatalogCache,
  ) {}

  async deactivate(id: string): Promise<ProductChange> {
    const change = await this.products.transaction(async (tx): Promise<ProductChange> => {
      const product = await tx.deactivateIfActive(id);
      if (!product) {
        const existing = await tx.findById(id);
        return existing ? { ok: true, product: existing, changed: false } : { ok: false, reason: 'NOT_FOUND' };
      }
      await tx.record([messageOf(ProductDeactivated, id, { productId: id, sku: product.sku })]);
      return { ok: true, product, changed: true };
    });
    if (change.ok && change.changed) await this.cache.catalogChanged();
    return change;
  }
}
