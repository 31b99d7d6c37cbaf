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
}

export type RateLimitPolicies = Readonly<Record<RateLimitPolicyName, RateLimitPolicy>>;

/**
 * Who is counted and how each policy fails; limits and windows come from configuration.
 * Login and register fail closed: an outage must not open the door to credential stuffing or
 * mass sign-ups. Refresh and logout (`auth`) carry unguessable tokens, reads and writes are of
 * authenticated or public data: they fail open rather than take the API down with Redis. Opening
 * an event stream (`stream`) holds a connection for minutes, so it has its own, smaller budget per
 * user; it fails open like reads.
 */
export const POLICY_BEHAVIOUR: Readonly<Record<RateLimitPolicyName, Pick<RateLimitPolicy, 'keyBy' | 'onRedisFailure'>>> = {
  login: { keyBy: 'ip', onRedisFailure: 'closed' },
  register: { keyBy: 'ip', onRedisFailure: 'closed' },
  auth: { keyBy: 'ip', onRedisFailure: 'open' },
  read: { keyBy: 'user', onRedisFailure: 'open' },
  write: { keyBy: 'user', onRedisFailure: 'open' },
  stream: { keyBy: 'user', onRedisFailure: 'open' },
};
