import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/** The span attribute that carries ShopMesh's stable error code (`CATALOG.PRODUCT_NOT_FOUND`…). */
export const ERROR_CODE_ATTRIBUTE = 'shopmesh.error.code';

/** The stable code of an error that crosses a process (`AppError`, an RPC error payload), if any. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)+$/.test(code) ? code : undefined;
}

/** Marks a span as failed: status error, `error.type` and, for a coded error, `shopmesh.error.code`. */
export function recordSpanFailure(span: Span, error: unknown): void {
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : (error as { message?: unknown } | undefined)?.message;
  span.setStatus({ code: SpanStatusCode.ERROR, ...(typeof message === 'string' ? { message } : {}) });
  span.setAttribute(ATTR_ERROR_TYPE, code ?? (error instanceof Error ? error.constructor.name : 'unknown'));
  if (code) span.setAttribute(ERROR_CODE_ATTRIBUTE, code);
}

/**
 * Records the code of the error an HTTP request is answered with on the request's server span
 * (the HTTP instrumentation's; the active span when there is none). A status below 500 is the
 * caller's problem, not this server's: the code is recorded, the status is left to the HTTP instrumentation.
 */
export function recordHttpErrorCode(code: string, status: number): void {
  const active = context.active();
  const span = getRPCMetadata(active)?.span ?? trace.getSpan(active);
  if (!span) return;
  span.setAttribute(ERROR_CODE_ATTRIBUTE, code);
  span.setAttribute(ATTR_ERROR_TYPE, status >= 500 ? code : String(status));
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}
