import type { RateLimitCounting } from './rate-limiter';

/** The policies a route can name in `@RateLimit(...)`. */
export const RATE_LIMIT_POLICY_NAMES = ['login', 'register', 'auth', 'read', 'write', 'stream'] as const;

export type RateLimitPolicyName = (typeof RATE_LIMIT_POLICY_NAMES)[number];

/** How many requests one caller may make per window, counted by whom, and what happens when Redis cannot answer. */
export interface RateLimitPolicy {
  /** Requests allowed per window; the next one is answered 429 until the window ends. */
  limit: number;
  /** Length of the window in milliseconds. */
  windowMs: number;
  /**
   * `user`: the authenticated user's id (`request.user.id`, set by an auth guard that runs before),
   * or the client IP for anonymous requests; `ip`: always the client IP.
   */
  keyBy: 'user' | 'ip';
  /**
   * When Redis does not answer within its timeout: `open` lets the request through (availability
   * first), `closed` answers 503 `RATE_LIMIT.UNAVAILABLE` (protection first).
   */
  onRedisFailure: 'open' | 'closed';
  /**
   * `exact`: each request is counted in Redis before it is answered. `batched`: a busy caller's
   * requests are counted in the gateway and sent to Redis every 100 ms (`LocalAllowance`): one
   * round trip per caller per 100 ms instead of one per request, at the price of a small
   * overshoot when several gateway instances serve the same caller.
   */
  counting: RateLimitCounting;
}

export type RateLimitPolicies = Readonly<Record<RateLimitPolicyName, RateLimitPolicy>>;

/**
 * Who is counted, how each policy fails and how exactly it counts; limits and windows come from
 * configuration. Only reads are batched: login and register stay exact (one Redis round trip each).
 * Login and register fail closed: an outage must not open the door to credential stuffing or
 * mass sign-ups. Refresh and logout (`auth`) carry unguessable tokens, reads and writes are of
 * authenticated or public data: they fail open rather than take the API down with Redis. Opening
 * an event stream (`stream`) holds a connection for minutes, so it has its own, smaller budget per
 * user; it fails open like reads.
 */
export const POLICY_BEHAVIOUR: Readonly<
  Record<RateLimitPolicyName, Pick<RateLimitPolicy, 'keyBy' | 'onRedisFailure' | 'counting'>>
> = {
  login: { keyBy: 'ip', onRedisFailure: 'closed', counting: 'exact' },
  register: { keyBy: 'ip', onRedisFailure: 'closed', counting: 'exact' },
  auth: { keyBy: 'ip', onRedisFailure: 'open', counting: 'exact' },
  read: { keyBy: 'user', onRedisFailure: 'open', counting: 'batched' },
  write: { keyBy: 'user', onRedisFailure: 'open', counting: 'exact' },
  stream: { keyBy: 'user', onRedisFailure: 'open', counting: 'exact' },
};
