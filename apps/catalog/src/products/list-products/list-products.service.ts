import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ListProductsQuery, ProductPage } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { ProductCache, type CatalogCache } from '../product-cache';
import { ProductRepository, type ProductStore } from '../product.repository';
import { decodeCursor, encodeCursor, type ProductCursor } from './product-cursor';
import { searchTermsOf, type SearchTerms } from './search-terms';

const invalidCursor = (): AppError =>
  new AppError('VALIDATION.FAILED', 'Invalid cursor', [{ field: 'cursor', message: 'not a cursor returned by this API' }]);

/**
 * A page of active products: newest first, or, with `query`, best match first (full-text search).
 * `nextCursor` is null on the last page. Pages are cached until the catalogue next changes.
 */
@Injectable()
export class ListProductsService {
  constructor(
    @Inject(ProductRepository) private readonly products: ProductStore,
    @Inject(ProductCache) private readonly cache: CatalogCache,
  ) {}

  async list(query: ListProductsQuery): Promise<ProductPage> {
    const search = query.query === undefined ? undefined : searchTermsOf(query.query);
    const after = query.cursor === undefined ? undefined : cursorFor(query.cursor, search);
    if (query.query !== undefined && !search) return { items: [], nextCursor: null }; // only punctuation
    const key = `page:${createHash('sha256')
      .update(JSON.stringify([search?.words, search?.prefix, query.category?.toLowerCase(), query.limit, query.cursor]))
      .digest('base64url')}`;
    const page = await this.cache.readThrough(key, 'page', () => this.read(query, search, after));
    return page ?? { items: [], nextCursor: null };
  }

  private async read(query: ListProductsQuery, search?: SearchTerms, after?: ProductCursor): Promise<ProductPage> {
    const rows = await this.products.findPage({ search, category: query.category, after, limit: query.limit });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    let nextCursor: string | null = null;
    if (rows.length > query.limit && last) {
      const position = { createdAt: last.createdAt, id: last.product.id };
      nextCursor = encodeCursor(
        search
          ? { kind: 'rank', rank: last.rank ?? 0, search: search.fingerprint, ...position }
          : { kind: 'newest', ...position },
      );
    }
    return { items: page.map((r) => r.product), nextCursor };
  }
}

/** The cursor, if we issued it for this kind of listing (and, for a search, for this search). */
function cursorFor(text: string, search: SearchTerms | undefined): ProductCursor {
  const cursor = decodeCursor(text);
  if (!cursor) throw invalidCursor();
  if (search ? cursor.kind !== 'rank' || cursor.search !== search.fingerprint : cursor.kind !== 'newest') {
    throw invalidCursor();
  }
  return cursor;
}
