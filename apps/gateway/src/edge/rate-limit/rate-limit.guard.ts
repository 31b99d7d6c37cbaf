import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@shopmesh/errors';
import type { Response } from 'express';
import { rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers';
import type { RateLimitPolicy, RateLimitPolicyName } from './rate-limit-policy';
import { rateLimitSubject, type RateLimitedRequest } from './rate-limit-subject';
import type { RateLimiter, RateLimitWindow } from './rate-limiter';
import { RATE_LIMIT_SETTINGS, RATE_LIMITER, RateLimitPolicyOf, type RateLimitSettings } from './rate-limit.tokens';

const COUNTED = Symbol('rate-limit counted');
const FAILURE_LOG_INTERVAL_MS = 10_000;

/**
 * Counts each request of a `@RateLimit(policy)` route in Redis, keyed
 * `<prefix>:<policy>:user:<id>` or `<prefix>:<policy>:ip:<address>`, and answers 429
 * `RATE_LIMIT.EXCEEDED` with `Retry-After` past the limit. Every counted response carries
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`.
 * Read policies count busy callers in the process and send the counts every 100 ms
 * (`RedisRateLimiter`, `LocalAllowance`); login and register are counted in Redis one by one.
 * When Redis fails, the policy decides: `open` lets the request through, `closed` answers 503
 * `RATE_LIMIT.UNAVAILABLE`; either way within the Redis command timeout.
 *
 * Why not `@nestjs/throttler` (6.x accepts Nest 12) with a Redis `ThrottlerStorage`: its Redis
 * storage packages (`@nest-lab/throttler-storage-redis`) stop at Nest 11 peers, so we would write
 * the storage anyway; a storage error surfaces from its guard as a 500, and choosing allow or
 * refuse per policy would mean re-implementing its `handleRequest`; its headers are `X-RateLimit-*`
 * without `RateLimit-Policy`, and its 429 is a `ThrottlerException` our error filter would have
 * to learn. What remains of it here (a decorator, a lookup, a counter) is less code than adapting it.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);
  private lastFailureLoggedAt = 0;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_SETTINGS) private readonly settings: RateLimitSettings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<RateLimitedRequest & { [COUNTED]?: true }>();
    const name = this.reflector.getAllAndOverride(RateLimitPolicyOf, [context.getHandler(), context.getClass()]);
    if (!name || req[COUNTED]) return true; // a controller's and a method's @RateLimit both add this guard: count once
    req[COUNTED] = true;
    const policy = this.settings.policies[name];
    const key = `${this.settings.keyPrefix}:${name}:${rateLimitSubject(req, policy, this.settings.trustedProxyHops)}`;
    let window: RateLimitWindow;
    try {
      window = await this.limiter.hit(key, policy.windowMs, policy.counting);
    } catch (error) {
      return this.whenUnavailable(name, policy, error);
    }
    const res = context.switchToHttp().getResponse<Response>();
    res.set(rateLimitHeaders(policy, window));
    if (window.hits <= policy.limit) return true;
    res.set('Retry-After', String(retryAfterSeconds(window)));
    throw new AppError('RATE_LIMIT.EXCEEDED', `Too many requests; retry in ${retryAfterSeconds(window)} s`);
  }

  private whenUnavailable(name: RateLimitPolicyName, policy: RateLimitPolicy, error: unknown): boolean {
    const now = Date.now();
    if (now - this.lastFailureLoggedAt >= FAILURE_LOG_INTERVAL_MS) {
      this.lastFailureLoggedAt = now;
      this.logger.warn({ err: error, policy: name }, `Rate limiting unavailable, failing ${policy.onRedisFailure}`);
    }
    if (policy.onRedisFailure === 'open') return true;
    throw new AppError('RATE_LIMIT.UNAVAILABLE', 'This operation is temporarily unavailable; retry shortly');
  }
}
