export const CART_REDIS = Symbol('CART_REDIS');
export const CART_KEYS = Symbol('CART_KEYS');
export const CART_TTL_SECONDS = Symbol('CART_TTL_SECONDS');
export const CATALOG_CONSUMER = Symbol('CATALOG_CONSUMER');
