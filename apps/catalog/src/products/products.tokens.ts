export const CATALOG_REDIS = Symbol('CATALOG_REDIS');
export const PRODUCT_CACHE_OPTIONS = Symbol('PRODUCT_CACHE_OPTIONS');

export interface ProductCacheOptions {
  /** Prefix of every key: `catalog:<database>`, so catalogues on other databases never share entries. */
  namespace: string;
  /** Seconds each kind of entry is kept (0: not cached). */
  productTtlSeconds: number;
  pageTtlSeconds: number;
}
