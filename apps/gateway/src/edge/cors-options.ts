import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';

/** Headers a browser script may read on a cross-origin response. */
const EXPOSED_HEADERS = [
  'x-correlation-id',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
  'Retry-After',
];

/** Headers a browser script may send, as the public API reads them. */
const ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'last-event-id', 'x-correlation-id'];

/**
 * CORS for the listed origins only; any other origin gets no `Access-Control-Allow-Origin`, so its
 * browser refuses the response. No credentials: the API authenticates with a bearer token, not cookies.
 */
export const corsOptions = (origins: readonly string[]): CorsOptions => ({
  origin: [...origins],
  credentials: false,
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ALLOWED_HEADERS,
  exposedHeaders: EXPOSED_HEADERS,
  maxAge: 600,
});
