import type { OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RateLimiter, RateLimitWindow } from './rate-limiter';

/**
 * Fixed window, atomic: the first hit creates the counter with the window as its TTL, later hits
 * only increment it, so the window starts at a caller's first request and ends `windowMs` later
 * (Redis's clock, the same for every gateway instance). Every request counts, refused ones too:
 * a caller hammering past the limit stays refused until the window ends. A caller can spend up to
 * twice the limit across a window boundary; for login-style limits that is acceptable and the
 * price of one key and one round trip per request.
 */
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
`;

type ScriptedRedis = Redis & { rateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Rate-limit counters in Redis. The connection never queues and never retries a command, and each
 * command has a deadline, so a dead or hung Redis fails a hit within `timeoutMs` instead of
 * holding the request.
 */
export class RedisRateLimiter implements RateLimiter, OnApplicationShutdown {
  private readonly redis: ScriptedRedis;

  constructor(url: string, timeoutMs: number) {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      connectTimeout: 2000,
      retryStrategy: () => 500,
    });
    redis.on('error', () => undefined); // a failed hit is handled by its policy; readiness reports Redis
    redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }

  async hit(key: string, windowMs: number): Promise<RateLimitWindow> {
    const [hits, resetMs] = await this.redis.rateLimitHit(key, windowMs);
    return { hits, resetMs };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
