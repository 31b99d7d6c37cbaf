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
 * Helmet's security headers (HSTS, nosniff, no referrer, COOP/CORP, no `X-Powered-By`) on every
 * response, with a deny-all Content-Security-Policy except under `docsPath`.
 */
export function securityHeaders(docsPath: string): RequestHandler {
  const isDocs = (path: string): boolean => path === docsPath || path.startsWith(`${docsPath}/`);
  return (req, res, next) => (isDocs(req.path) ? forDocs : forApi)(req, res, next);
}
