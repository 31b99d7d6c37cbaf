import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ProductCreated, type CreateProduct } from '@shopmesh/contracts';
import { messageOf } from '@shopmesh/messaging';
import { ProductCache, type CatalogCache } from '../product-cache';
import type { ProductChange } from '../product-change';
import { ProductRepository, type ProductStore } from '../product.repository';

/** Adds a product; `ProductCreated` commits with it. A taken SKU is refused, nothing published. */
@Injectable()
export class CreateProductService {
  constructor(
    @Inject(ProductRepository) private readonly products: ProductStore,
    @Inject(ProductCache) private readonly cache: CatalogCache,
  ) {}

  /** `id` and `createdAt` are for the seed (stable ids); callers of the API get new ones. */
  async create(input: CreateProduct, given: { id?: string; createdAt?: Date } = {}): Promise<ProductChange> {
    const change = await this.products.transaction(async (tx): Promise<ProductChange> => {
      const product = await tx.insert({
        id: given.id ?? randomUUID(),
        sku: input.sku,
        name: input.name,
        description: input.description,
        category: input.category,
        price: input.price,
        createdAt: given.createdAt ?? new Date(),
      });
      if (!product) return { ok: false, reason: 'SKU_TAKEN' };
      await tx.record([
        messageOf(ProductCreated, product.id, {
          productId: product.id,
          sku: product.sku,
          name: product.name,
          category: product.category,
          price: product.price,
        }),
      ]);
      return { ok: true, product, changed: true };
    });
    if (change.ok) await this.cache.catalogChanged();
    return change;
  }
}
