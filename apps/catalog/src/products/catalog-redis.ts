import { Redis } from 'ioredis';

/**
 * Catalog's Redis client for its cache: fails fast instead of queueing while Redis is away, so a
 * read falls through to the database at once.
 */
export function createCatalogRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    connectTimeout: 2000,
    retryStrategy: () => 500,
  });
  redis.on('error', () => undefined); // readiness reports Redis; the cache degrades to the database
  return redis;
}
