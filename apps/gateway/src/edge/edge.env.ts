import type { EdgeConfig } from '@shopmesh/config';
import type { EdgeOptions } from './edge-options';
import { POLICY_BEHAVIOUR, type RateLimitPolicies } from './rate-limit/rate-limit-policy';

const policiesOf = (c: EdgeConfig): RateLimitPolicies => ({
  login: { limit: c.RATE_LIMIT_LOGIN_LIMIT, windowMs: c.RATE_LIMIT_LOGIN_WINDOW_MS, ...POLICY_BEHAVIOUR.login },
  register: { limit: c.RATE_LIMIT_REGISTER_LIMIT, windowMs: c.RATE_LIMIT_REGISTER_WINDOW_MS, ...POLICY_BEHAVIOUR.register },
  auth: { limit: c.RATE_LIMIT_AUTH_LIMIT, windowMs: c.RATE_LIMIT_AUTH_WINDOW_MS, ...POLICY_BEHAVIOUR.auth },
  read: { limit: c.RATE_LIMIT_READ_LIMIT, windowMs: c.RATE_LIMIT_READ_WINDOW_MS, ...POLICY_BEHAVIOUR.read },
  write: { limit: c.RATE_LIMIT_WRITE_LIMIT, windowMs: c.RATE_LIMIT_WRITE_WINDOW_MS, ...POLICY_BEHAVIOUR.write },
  stream: { limit: c.RATE_LIMIT_STREAM_LIMIT, windowMs: c.RATE_LIMIT_STREAM_WINDOW_MS, ...POLICY_BEHAVIOUR.stream },
});

/** `EdgeOptions` from the validated edge variables. */
export const edgeOptionsOf = (config: EdgeConfig, redisUrl: string): EdgeOptions => ({
  trustedProxyHops: config.TRUSTED_PROXY_HOPS,
  corsOrigins: config.CORS_ORIGINS,
  jsonBodyLimitBytes: config.JSON_BODY_LIMIT_BYTES,
  rateLimit: {
    redisUrl,
    keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
    redisTimeoutMs: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
    policies: policiesOf(config),
  },
});
