import { Inject, Injectable } from '@nestjs/common';
import type { Product } from '@shopmesh/contracts';
import { ProductCache, type CatalogCache } from '../product-cache';
import { ProductRepository, type ProductStore } from '../product.repository';

/** One product, active or not, through the cache. */
@Injectable()
export class GetProductService {
  constructor(
    @Inject(ProductRepository) private readonly products: ProductStore,
    @Inject(ProductCache) private readonly cache: CatalogCache,
  ) {}

  get(id: string): Promise<Product | undefined> {
    return this.cache.readThrough(`product:${id}`, 'product', () => this.products.findById(id));
  }
}
