import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';

/** Readiness of Redis: a PING on a dedicated connection that never queues commands while down. */
@Injectable()
export class RedisHealthIndicator implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(
    private readonly indicator: HealthIndicatorService,
    url: string,
  ) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: () => 500,
    });
    this.redis.on('error', () => undefined); // reported through the check, not as log noise
    void this.redis.connect().catch(() => undefined);
  }

  check(timeoutMs: number) {
    return this.indicator
      .check('redis')
      .attempt(async () => {
        await this.redis.ping();
      })
      .withTimeout(timeoutMs);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
