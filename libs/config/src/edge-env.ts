import { z } from 'zod';
import { env } from './env';
import type { ConfigOf } from './load-config';

const ORIGINS_EXPECTED = 'a comma-separated list of origins (https://shop.example), or nothing';

const isOrigin = (value: string): boolean => {
  try {
    const url = new URL(value);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
};

const origins = () =>
  z
    .string({ error: `expected ${ORIGINS_EXPECTED}` })
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every(isOrigin), { error: `expected ${ORIGINS_EXPECTED}` })
    .meta({ expected: ORIGINS_EXPECTED });

const requests = () => env.int(1, 1_000_000, 'requests per window (1-1000000)');
const window = () => env.millis(1000, 24 * 60 * 60 * 1000);

/** The gateway's edge variables: proxies, CORS, body limit, rate limits (defaults and meaning in `.env.example`). */
export const edgeEnv = {
  TRUSTED_PROXY_HOPS: env.int(0, 10, 'the number of trusted proxies in front of the gateway (0-10)'),
  CORS_ORIGINS: origins(),
  JSON_BODY_LIMIT_BYTES: env.int(1024, 100 * 1024 * 1024, 'a size in bytes (1024-104857600)'),
  RATE_LIMIT_KEY_PREFIX: env.string('a Redis key prefix'),
  RATE_LIMIT_REDIS_TIMEOUT_MS: env.millis(10, 5000),
  RATE_LIMIT_LOGIN_LIMIT: requests(),
  RATE_LIMIT_LOGIN_WINDOW_MS: window(),
  RATE_LIMIT_REGISTER_LIMIT: requests(),
  RATE_LIMIT_REGISTER_WINDOW_MS: window(),
  RATE_LIMIT_AUTH_LIMIT: requests(),
  RATE_LIMIT_AUTH_WINDOW_MS: window(),
  RATE_LIMIT_READ_LIMIT: requests(),
  RATE_LIMIT_READ_WINDOW_MS: window(),
  RATE_LIMIT_WRITE_LIMIT: requests(),
  RATE_LIMIT_WRITE_WINDOW_MS: window(),
  RATE_LIMIT_STREAM_LIMIT: requests(),
  RATE_LIMIT_STREAM_WINDOW_MS: window(),
};

export type EdgeConfig = ConfigOf<typeof edgeEnv>;
