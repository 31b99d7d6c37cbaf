import { DynamicModule, Module } from '@nestjs/common';
import type { EdgeOptions } from './edge-options';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RATE_LIMIT_SETTINGS, RATE_LIMITER, type RateLimitSettings } from './rate-limit/rate-limit.tokens';
import { RedisRateLimiter } from './rate-limit/redis-rate-limiter';

/**
 * Rate limiting for `@RateLimit(...)` routes, counted in Redis. Global, so the guard resolves in
 * any module's controllers. The HTTP-level protections are `configureEdge`.
 */
@Module({})
export class EdgeModule {
  static register(options: EdgeOptions): DynamicModule {
    const settings: RateLimitSettings = {
      keyPrefix: options.rateLimit.keyPrefix,
      policies: options.rateLimit.policies,
      trustedProxyHops: options.trustedProxyHops,
    };
    return {
      module: EdgeModule,
      global: true,
      providers: [
        { provide: RATE_LIMIT_SETTINGS, useValue: settings },
        {
          provide: RATE_LIMITER,
          useFactory: () => new RedisRateLimiter(options.rateLimit.redisUrl, options.rateLimit.redisTimeoutMs),
        },
        RateLimitGuard,
      ],
      exports: [RATE_LIMIT_SETTINGS, RATE_LIMITER, RateLimitGuard],
    };
  }
}
