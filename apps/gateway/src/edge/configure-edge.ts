import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { corsOptions } from './cors-options';
import type { EdgeOptions } from './edge-options';
import { requireJsonBody } from './require-json-body';
import { securityHeaders } from './security-headers';

/**
 * The HTTP-level protections of the gateway, in the order a request meets them: security headers,
 * CORS (only with `corsOrigins`), JSON-only bodies (415 otherwise), and a JSON body parser limited
 * to `jsonBodyLimitBytes` (413 past it; malformed JSON stays 400). Call it before the app is
 * initialised (`startApp`'s `configure` hook): Nest then keeps this JSON parser instead of its own.
 * Rate limiting is per route: `EdgeModule.register` and `@RateLimit`.
 */
export function configureEdge(app: INestApplication, options: EdgeOptions): void {
  if (app.getHttpAdapter().getType() !== 'express') throw new Error('configureEdge needs the Express adapter');
  const express = app as NestExpressApplication;
  express.set('trust proxy', options.trustedProxyHops || false); // req.ip agrees with clientIp()
  express.disable('x-powered-by');
  express.use(securityHeaders(options.docsPath ?? '/docs'));
  if (options.corsOrigins.length > 0) express.enableCors(corsOptions(options.corsOrigins));
  express.use(requireJsonBody);
  express.useBodyParser('json', { limit: options.jsonBodyLimitBytes });
}
