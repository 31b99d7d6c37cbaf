import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ErrorCode } from '@shopmesh/contracts';
import { CORRELATION_HEADER, CorrelationContext } from '@shopmesh/logging';
import { recordHttpErrorCode } from '@shopmesh/tracing';
import type { Request, Response } from 'express';
import { throwError, type Observable } from 'rxjs';
import { AppError } from './app-error';
import { problemDetails } from './problem-details';

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'HTTP.BAD_REQUEST',
  404: 'HTTP.NOT_FOUND',
  405: 'HTTP.METHOD_NOT_ALLOWED',
  413: 'HTTP.PAYLOAD_TOO_LARGE',
  415: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The one exception filter of every app. Over HTTP it answers problem+json with a stable code;
 * over RPC it returns `{code, message, errors}`. Unknown errors are logged with their stack and
 * leave as `INTERNAL` with no details: nothing internal leaks.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const error = this.toAppError(exception);
    if (host.getType() === 'rpc') return throwError(() => error.toPayload());
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const correlationId = CorrelationContext.acceptOrCreate(req.headers[CORRELATION_HEADER]);
    recordHttpErrorCode(error.code, error.status);
    if (res.headersSent) return void res.end();
    res
      .status(error.status)
      .setHeader('content-type', 'application/problem+json')
      .setHeader(CORRELATION_HEADER, correlationId)
      .send(JSON.stringify(problemDetails({ code: error.code, detail: error.message, correlationId, errors: error.errors })));
  }

  private toAppError(exception: unknown): AppError {
    if (exception instanceof AppError) return exception;
    if (exception instanceof HttpException) {
      const code = HTTP_CODES[exception.getStatus()];
      if (code) return new AppError(code, this.httpDetail(exception));
    }
    this.logger.error({ err: exception }, 'Unexpected error');
    return new AppError('INTERNAL', 'An unexpected error occurred');
  }

  private httpDetail(exception: HttpException): string {
    const status = exception.getStatus();
    if (status === 404) return 'No such resource';
    if (status === 400) return 'The request is malformed (for example, invalid JSON)';
    return exception.message;
  }
}
