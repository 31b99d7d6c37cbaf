import { Redis } from 'ioredis';

export interface RedisClientOptions {
  /** Shown in `CLIENT LIST` (`shopmesh:<purpose>`). */
  purpose: string;
  /** A command unanswered after this long fails (default 250 ms): a slow Redis never holds a request. */
  commandTimeoutMs?: number;
  /** Connect on first use rather than at once. */
  lazyConnect?: boolean;
  /**
   * Queue commands while (re)connecting and retry each once, for background work that must not
   * fail on a connection still being made (registry heartbeats); request paths leave it off.
   */
  queueWhileConnecting?: boolean;
}

/**
 * The one way ShopMesh connects to Redis: fail fast rather than queue. Commands are not queued
 * while disconnected and not retried, so a Redis outage costs a caller at most `commandTimeoutMs`;
 * the client keeps reconnecting every 500 ms. Errors are left to the caller (no log noise per
 * reconnect): readiness reports Redis.
 */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const redis = new Redis(url, {
    connectionName: `shopmesh:${options.purpose}`,
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: options.queueWhileConnecting ?? false,
    maxRetriesPerRequest: options.queueWhileConnecting ? 1 : 0,
    commandTimeout: options.commandTimeoutMs ?? (options.queueWhileConnecting ? undefined : 250),
    connectTimeout: 2000,
    retryStrategy: () => 500,
  });
  redis.on('error', () => undefined);
  return redis;
}
