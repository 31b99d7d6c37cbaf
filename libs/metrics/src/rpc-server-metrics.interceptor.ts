import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { AppError } from '@shopmesh/errors';
import { Observable, tap } from 'rxjs';
import { Metrics } from './metrics.service';

/**
 * Times every RPC request this process serves, labelled by pattern and outcome, and counts its
 * errors by code: a domain error keeps its stable code, anything unexpected is `INTERNAL`.
 */
@Injectable()
export class RpcServerMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: Metrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const pattern = String(context.switchToRpc().getContext<{ getPattern?: () => string }>().getPattern?.() ?? 'unknown');
    const stop = this.metrics.rpcServer.startTimer({ pattern });
    return next.handle().pipe(
      tap({
        complete: () => stop({ outcome: 'ok' }),
        error: (error: unknown) => {
          stop({ outcome: 'error' });
          this.metrics.rpcServerErrors.inc({ pattern, code: error instanceof AppError ? error.code : 'INTERNAL' });
        },
      }),
    );
  }
}
