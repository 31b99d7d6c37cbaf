import { randomUUID } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { AppError } from '@shopmesh/errors';
import { metaOfMessage } from '@shopmesh/contracts';
import { CorrelationContext } from '@shopmesh/logging';
import { Observable } from 'rxjs';

/**
 * Runs every RPC handler inside the caller's correlation context, so its logs and the calls it
 * makes carry the same id, and refuses work whose caller has already stopped waiting.
 */
@Injectable()
export class RpcContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const meta = metaOfMessage(context.switchToRpc().getData());
    if (meta && meta.deadlineAt < Date.now()) {
      throw new AppError('UPSTREAM.TIMEOUT', 'The caller stopped waiting before the request was served');
    }
    const correlationId = meta?.correlationId ?? randomUUID();
    return new Observable((subscriber) => CorrelationContext.run(correlationId, () => next.handle().subscribe(subscriber)));
  }
}
