import type { OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { LocalAllowance } from './local-allowance';
import type { RateLimiter, RateLimitCounting, RateLimitWindow } from './rate-limiter';

/**
 * Fixed window, atomic: the first hit creates the counter with the window as its TTL, later hits
 * only add to it, so the window starts at a caller's first request and ends `windowMs` later
 * (Redis's clock, the same for every gateway instance). Every request counts, refused ones too:
 * a caller hammering past the limit stays refused until the window ends. A caller can spend up to
 * twice the limit across a window boundary; for login-style limits that is acceptable and the
 * price of one key and one round trip per request. `ARGV[2]` hits at once: a batch of
 * `LocalAllowance`'s.
 */
const HIT_SCRIPT = `
local hits = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
`;

/** How often batched hits are sent to Redis. */
export const BATCH_SYNC_MS = 100;

type ScriptedRedis = Redis & { rateLimitHit(key: string, windowMs: number, count: number): Promise<[number, number]> };

/**
 * Rate-limit counters in Redis. The connection never queues and never retries a command, and each
 * command has a deadline, so a dead or hung Redis fails a hit within `timeoutMs` instead of
 * holding the request. Commands issued in one event-loop turn leave in one write (ioredis
 * auto-pipelining), one script call each.
 *
 * `exact` hits make one round trip each. `batched` hits of a key hot enough to have been
 * answered for in the last few hundred ms are counted in the process and sent every
 * {@link BATCH_SYNC_MS} (`LocalAllowance`, which says how accurate that stays across instances);
 * losing the connection drops those local counts, so the next hits go to Redis and fail as their
 * policy says.
 */
export class RedisRateLimiter implements RateLimiter, OnApplicationShutdown {
  private readonly redis: ScriptedRedis;
  private readonly allowance: LocalAllowance;

  constructor(url: string, timeoutMs: number) {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      connectTimeout: 2000,
      retryStrategy: () => 500,
    });
    redis.on('error', () => undefined); // a failed hit is handled by its policy; readiness reports Redis
    redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as ScriptedRedis;
    this.allowance = new LocalAllowance(
      (key, windowMs, count) => this.add(key, windowMs, count),
      BATCH_SYNC_MS,
      () => this.redis.status === 'ready',
    );
    redis.on('close', () => this.allowance.clear());
  }

  hit(key: string, windowMs: number, counting: RateLimitCounting = 'exact'): Promise<RateLimitWindow> {
    return counting === 'batched' ? this.allowance.hit(key, windowMs) : this.add(key, windowMs, 1);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.allowance.flush().catch(() => undefined);
    this.redis.disconnect();
  }

  private async add(key: string, windowMs: number, count: number): Promise<RateLimitWindow> {
    const [hits, resetMs] = await this.redis.rateLimitHit(key, windowMs, count);
    return { hits, resetMs };
  }
}
