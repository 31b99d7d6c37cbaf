import type { RateLimitPolicies } from './rate-limit/rate-limit-policy';

/** The gateway's internet-facing protections: `EdgeModule.register` and `configureEdge` both take these. */
export interface EdgeOptions {
  /**
   * Proxies in front of the gateway that append the address they saw to `X-Forwarded-For`
   * (a load balancer, an ingress). 0: clients connect directly and `X-Forwarded-For` is ignored.
   */
  trustedProxyHops: number;
  /** Browser origins allowed to call the API (`https://shop.example`); empty: no CORS at all. */
  corsOrigins: readonly string[];
  /** Largest JSON body accepted, in bytes; a larger one is answered 413. */
  jsonBodyLimitBytes: number;
  /** Where Swagger UI is served (default `/docs`): the only place whose Content-Security-Policy allows a page. */
  docsPath?: string;
  rateLimit: {
    /** The Redis holding the counters. */
    redisUrl: string;
    /** Every counter key starts with `<keyPrefix>:`. */
    keyPrefix: string;
    /** Deadline of each Redis command; past it the policy's failure mode decides. */
    redisTimeoutMs: number;
    policies: RateLimitPolicies;
  };
}
