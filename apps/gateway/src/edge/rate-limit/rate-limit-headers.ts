import type { RateLimitPolicy } from './rate-limit-policy';
import type { RateLimitWindow } from './rate-limiter';

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/**
 * The headers of draft-ietf-httpapi-ratelimit-headers (draft 07 field names, also what most
 * clients read): quota, what is left of it, seconds until the window resets, and the policy
 * as `limit;w=window-seconds`.
 */
export function rateLimitHeaders(policy: RateLimitPolicy, window: RateLimitWindow): Record<string, string> {
  return {
    'RateLimit-Limit': String(policy.limit),
    'RateLimit-Remaining': String(Math.max(0, policy.limit - window.hits)),
    'RateLimit-Reset': String(seconds(window.resetMs)),
    'RateLimit-Policy': `${policy.limit};w=${seconds(policy.windowMs)}`,
  };
}

/** `Retry-After` of a refused request: whole seconds until the window resets, at least 1. */
export const retryAfterSeconds = (window: RateLimitWindow): number => Math.max(1, seconds(window.resetMs));
