import { DynamicModule, Module } from '@nestjs/common';
import { LiveSettings } from '@shopmesh/settings';
import type { EdgeOptions } from './edge-options';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RATE_LIMIT_SETTINGS, RATE_LIMITER, type RateLimitSettings } from './rate-limit/rate-limit.tokens';
import { livePolicies } from './rate-limit/live-policies';
import { RedisRateLimiter } from './rate-limit/redis-rate-limiter';

/**
 * Rate limiting for `@RateLimit(...)` routes, counted in Redis, limits and windows live (the
 * environment's values until an operator changes them). Global, so the guard resolves in any
 * module's controllers. The HTTP-level protections are `configureEdge`.
 */
@Module({})
export class EdgeModule {
  static register(options: EdgeOptions): DynamicModule {
    return {
      module: EdgeModule,
      global: true,
      providers: [
        {
          provide: RATE_LIMIT_SETTINGS,
          inject: [{ token: LiveSettings, optional: true }],
          useFactory: (live?: LiveSettings): RateLimitSettings => ({
            keyPrefix: options.rateLimit.keyPrefix,
            policies: live ? livePolicies(options.rateLimit.policies, live) : options.rateLimit.policies,
            trustedProxyHops: options.trustedProxyHops,
          }),
        },
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
