export const CATALOG_REDIS = Symbol('CATALOG_REDIS');
export const PRODUCT_CACHE_OPTIONS = Symbol('PRODUCT_CACHE_OPTIONS');

/** Seconds each kind of entry is kept (0: not cached). */
export interface ProductCacheOptions {
  productTtlSeconds: number;
  pageTtlSeconds: number;
}
