import { Inject, Injectable } from '@nestjs/common';
import type { Product } from '@shopmesh/contracts';
import { ProductRepository, type ProductStore } from '../product.repository';

/**
 * The active products among `ids`, for carts and orders (unknown or inactive ones are left out); read
 * from the database, not the cache, since a checkout must see the current price.
 */
@Injectable()
export class GetProductsService {
  constructor(@Inject(ProductRepository) private readonly products: ProductStore) {}

  getActive(ids: readonly string[]): Promise<Product[]> {
    return this.products.findActiveByIds(ids);
  }
}
