import type { LiveSettings, SettingsValues } from '@shopmesh/settings';
import { RATE_LIMIT_POLICY_NAMES, type RateLimitPolicies, type RateLimitPolicy } from './rate-limit-policy';

/**
 * The policies with their limit and window read from the live settings at each request (the
 * guard reads `policy.limit` as it counts), who is counted and how it fails as configured.
 */
export function livePolicies(policies: RateLimitPolicies, settings: LiveSettings): RateLimitPolicies {
  const live = (name: (typeof RATE_LIMIT_POLICY_NAMES)[number]): RateLimitPolicy => ({
    keyBy: policies[name].keyBy,
    onRedisFailure: policies[name].onRedisFailure,
    counting: policies[name].counting,
    get limit() {
      return settings.get(`gateway.rateLimit.${name}.limit`);
    },
    get windowMs() {
      return settings.get(`gateway.rateLimit.${name}.windowMs`);
    },
  });
  return Object.fromEntries(RATE_LIMIT_POLICY_NAMES.map((name) => [name, live(name)])) as unknown as RateLimitPolicies;
}

/** The live rate-limit settings' values from the environment: what a limit or window never set is. */
export const rateLimitSettingsDefaults = (policies: RateLimitPolicies): Partial<SettingsValues> =>
  Object.fromEntries(
    RATE_LIMIT_POLICY_NAMES.flatMap((name) => [
      [`gateway.rateLimit.${name}.limit`, policies[name].limit],
      [`gateway.rateLimit.${name}.windowMs`, policies[name].windowMs],
    ]),
  );
