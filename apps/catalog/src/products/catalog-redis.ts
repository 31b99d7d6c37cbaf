import { createRedisClient } from '@shopmesh/redis';
import type { Redis } from 'ioredis';

/**
 * Catalog's Redis client for its cache: fails fast instead of queueing while Redis is away, so a
 * read falls through to the database at once (readiness reports Redis degraded).
 */
export const createCatalogRedis = (url: string): Redis => createRedisClient(url, { purpose: 'catalog-cache' });
