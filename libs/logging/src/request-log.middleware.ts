import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { CORRELATION_HEADER } from './correlation-context';

interface RoutedRequest extends IncomingMessage {
  /** The URL as received (Express rewrites `url` under a mount path). */
  originalUrl?: string;
  /** Express's matched route, once the router found one. */
  route?: { path?: string };
  baseUrl?: string;
}

/** Probes and scrapes: logging them would drown the rest. */
const isQuiet = (url: string): boolean => url.startsWith('/health') || url.startsWith('/metrics');

const round2 = (ms: number): number => Math.round(ms * 100) / 100;

/**
 * Express-style middleware writing one line per HTTP request when its response is done:
 * `{correlationId, req: {method, url}, route, res: {statusCode}, responseTime}` (ms), message
 * `request completed` (level `info`), `request errored` for a status of 500 or more (`error`; the
 * details are on the error filter's line of the same correlation id), `request aborted` when the
 * client went away first. Health and metrics requests are not logged. Mount it after
 * `correlationMiddleware`, which sets the id it reads.
 *
 * One listener and one line per request, written through the root logger: no child logger, no
 * serializer. Lines logged while handling the request get the id from the logger's mixin
 * (`LoggingModule`), so no per-request logger is needed for them either.
 */
export function requestLogMiddleware(logger: Logger) {
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const url = req.originalUrl ?? req.url ?? '';
    if (!isQuiet(url)) {
      const started = performance.now();
      res.once('close', () => {
        const status = res.statusCode;
        const line = {
          correlationId: req.headers[CORRELATION_HEADER],
          req: { method: req.method, url },
          route: req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : undefined,
          res: { statusCode: status },
          responseTime: round2(performance.now() - started),
        };
        if (!res.writableFinished) logger.info(line, 'request aborted');
        else if (status >= 500) logger.error(line, 'request errored');
        else logger.info(line, 'request completed');
      });
    }
    next();
  };
}
