import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { createRedisClient } from '@shopmesh/redis';
import type { Redis } from 'ioredis';

/** Readiness of Redis: a PING on a dedicated connection that never queues commands while down. */
@Injectable()
export class RedisHealthIndicator implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(
    private readonly indicator: HealthIndicatorService,
    url: string,
  ) {
    this.redis = createRedisClient(url, { purpose: 'readiness', commandTimeoutMs: 2000 });
  }

  /** With `optional`, Redis down is `degraded` (the app serves without it) rather than `down`. */
  async check(timeoutMs: number, optional = false) {
    const result = await this.indicator
      .check('redis')
      .attempt(async () => {
        await this.redis.ping();
      })
      .withTimeout(timeoutMs);
    if (!optional || result.redis.status !== 'down') return result;
    return this.indicator.check('redis').degraded({ message: 'Redis is unreachable: serving without the cache' });
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
