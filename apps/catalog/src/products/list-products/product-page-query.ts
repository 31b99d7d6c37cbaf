import type { Product } from '@shopmesh/contracts';
import type { ProductCursor } from './product-cursor';
import type { SearchTerms } from './search-terms';

/** What `ProductRepository.findPage` is asked for: `limit + 1` rows are read to know if a page follows. */
export interface ProductPageQuery {
  search?: SearchTerms;
  category?: string;
  after?: ProductCursor;
  limit: number;
}

export interface ProductPageRow {
  product: Product;
  createdAt: Date;
  /** Search rank (only when searching). */
  rank?: number;
}
