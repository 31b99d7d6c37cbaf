import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.service';

interface RoutedRequest extends IncomingMessage {
  route?: { path?: string };
  baseUrl?: string;
}

/**
 * Express-style middleware that times every HTTP request. The route label is the
 * matched route template (`/v1/products/:id`), never the raw URL, so cardinality stays bounded.
 */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const stop = metrics.httpServer.startTimer();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      stop({ method: req.method ?? 'GET', route, status_code: String(res.statusCode) });
    });
    next();
  };
}
