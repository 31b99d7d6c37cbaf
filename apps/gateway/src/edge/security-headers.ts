import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** JSON needs no page capabilities: nothing may load, nothing may frame it. */
const forApi = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' },
});

/**
 * Swagger UI is a page: helmet's default policy allows what it needs (its own scripts, inline styles,
 * `data:` images). Without `upgrade-insecure-requests`, so it also works over plain HTTP in development.
 */
const forDocs = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });

/**
 * The ops console is a built page of our own: its scripts, styles and API calls come from this
 * origin only, no inline script or style, no framing.
 */
const forConsole = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  xFrameOptions: { action: 'deny' },
});

const under = (prefix: string) => (path: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * Helmet's security headers (HSTS, nosniff, no referrer, COOP/CORP, no `X-Powered-By`) on every
 * response, with a deny-all Content-Security-Policy except under `docsPath` and `consolePath`.
 */
export function securityHeaders(docsPath: string, consolePath = '/ops'): RequestHandler {
  const isDocs = under(docsPath);
  const isConsole = under(consolePath);
  return (req, res, next) => (isDocs(req.path) ? forDocs : isConsole(req.path) ? forConsole : forApi)(req, res, next);
}
