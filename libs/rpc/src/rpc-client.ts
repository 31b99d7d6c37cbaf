import { randomUUID } from 'node:crypto';
import type { ClientProxy } from '@nestjs/microservices';
import { AppError } from '@shopmesh/errors';
import { CorrelationContext, type RpcMessage } from '@shopmesh/logging';
import type { Metrics, RpcOutcome } from '@shopmesh/metrics';
import { TimeoutError, firstValueFrom, timeout } from 'rxjs';

export interface RpcCallOptions {
  /** Deadline of this call; defaults to the client's. */
  timeoutMs?: number;
}

/**
 * A client of one ShopMesh service over Nest's TCP transport. Every call has a deadline, carries the
 * current correlation id, is timed in `rpc_client_duration_seconds`, and fails only with an
 * {@link AppError}: the callee's own code, `UPSTREAM.TIMEOUT` or `UPSTREAM.UNAVAILABLE`.
 */
export class RpcClient {
  constructor(
    readonly target: string,
    private readonly proxy: ClientProxy,
    private readonly defaultTimeoutMs: number,
    private readonly metrics?: Metrics,
  ) {}

  async send<TResult>(pattern: string, payload: unknown, options: RpcCallOptions = {}): Promise<TResult> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const message: RpcMessage = {
      meta: { correlationId: CorrelationContext.currentId() ?? randomUUID(), deadlineAt: Date.now() + timeoutMs },
      payload,
    };
    const stop = this.metrics?.rpcClient.startTimer({ target: this.target, pattern });
    let outcome: RpcOutcome = 'ok';
    try {
      return await firstValueFrom(this.proxy.send<TResult>(pattern, message).pipe(timeout({ first: timeoutMs })));
    } catch (error) {
      const appError = this.toAppError(error, timeoutMs);
      outcome =
        appError.code === 'UPSTREAM.TIMEOUT' ? 'timeout' : appError.code === 'UPSTREAM.UNAVAILABLE' ? 'unavailable' : 'error';
      throw appError;
    } finally {
      stop?.({ outcome });
    }
  }

  /** Resolves when the service answers its `ops.ping` within the deadline. */
  async ping(timeoutMs?: number): Promise<void> {
    await this.send('ops.ping', {}, { timeoutMs });
  }

  async close(): Promise<void> {
    await this.proxy.close();
  }

  private toAppError(error: unknown, timeoutMs: number): AppError {
    if (error instanceof TimeoutError) {
      return new AppError('UPSTREAM.TIMEOUT', `The ${this.target} service did not answer within ${timeoutMs} ms`);
    }
    const known = AppError.fromPayload(error);
    if (known) return known;
    return new AppError('UPSTREAM.UNAVAILABLE', `The ${this.target} service is unavailable`);
  }
}
