import { Reflector } from '@nestjs/core';
import type { RateLimitPolicies, RateLimitPolicyName } from './rate-limit-policy';

/** The `RateLimiter` the guard counts with. */
export const RATE_LIMITER = Symbol('RATE_LIMITER');

/** The guard's `RateLimitSettings`. */
export const RATE_LIMIT_SETTINGS = Symbol('RATE_LIMIT_SETTINGS');

export interface RateLimitSettings {
  keyPrefix: string;
  policies: RateLimitPolicies;
  trustedProxyHops: number;
}

/** Metadata: the policy a route or controller is limited by. */
export const RateLimitPolicyOf = Reflector.createDecorator<RateLimitPolicyName>();
