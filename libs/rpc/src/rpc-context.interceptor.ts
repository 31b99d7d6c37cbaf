import { randomUUID } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { AppError } from '@shopmesh/errors';
import { metaOfMessage } from '@shopmesh/contracts';
import { CorrelationContext } from '@shopmesh/logging';
import { serveRpc } from '@shopmesh/tracing';
import { Observable } from 'rxjs';

/**
 * Runs every RPC handler inside the caller's correlation context and in a SERVER span continuing
 * the caller's trace (the `traceparent` of the message's meta), so its logs, spans and the calls it
 * makes carry the same ids; and refuses work whose caller has already stopped waiting.
 */
@Injectable()
export class RpcContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const meta = metaOfMessage(context.switchToRpc().getData());
    const pattern = String(context.switchToRpc().getContext<{ getPattern?: () => string }>().getPattern?.() ?? 'unknown');
    const served = serveRpc(pattern.split('.')[0] ?? pattern, pattern, meta);
    if (meta && meta.deadlineAt < Date.now()) {
      const late = new AppError('UPSTREAM.TIMEOUT', 'The caller stopped waiting before the request was served');
      served.end(late);
      throw late;
    }
    const correlationId = meta?.correlationId ?? randomUUID();
    return new Observable((subscriber) => {
      const subscription = served.run(() =>
        CorrelationContext.run(correlationId, () =>
          next.handle().subscribe({
            next: (value) => subscriber.next(value),
            error: (error: unknown) => {
              served.end(error);
              subscriber.error(error);
            },
            complete: () => {
              served.end();
              subscriber.complete();
            },
          }),
        ),
      );
      return () => {
        subscription.unsubscribe();
        served.end();
      };
    });
  }
}
