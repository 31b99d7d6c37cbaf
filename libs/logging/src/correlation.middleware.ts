import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORRELATION_HEADER, CorrelationContext } from './correlation-context';

/**
 * Express-style middleware: takes the caller's `x-correlation-id` if well-formed, otherwise
 * generates one, echoes it on the response, and runs the rest of the request inside its context.
 * Register it first (`app.use(correlationMiddleware)`), before the request logger.
 */
export function correlationMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const correlationId = CorrelationContext.acceptOrCreate(req.headers[CORRELATION_HEADER]);
  req.headers[CORRELATION_HEADER] = correlationId;
  res.setHeader(CORRELATION_HEADER, correlationId);
  CorrelationContext.run(correlationId, next);
}
