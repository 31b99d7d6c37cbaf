import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_MAX_LENGTH, IdempotencyKeySchema } from '@shopmesh/contracts';
import { AppError, toFieldErrors } from '@shopmesh/errors';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * The `Idempotency-Key` of a request: `IDEMPOTENCY.KEY_REQUIRED` without one, `VALIDATION.FAILED`
 * naming the header when it is not 1-255 printable ASCII characters (or is sent twice).
 */
export function idempotencyKeyOf(value: string | string[] | undefined): string {
  if (value === undefined) {
    throw new AppError('IDEMPOTENCY.KEY_REQUIRED', `The ${IDEMPOTENCY_KEY_HEADER} header is required on this request`);
  }
  const invalid = (message: string) =>
    new AppError('VALIDATION.FAILED', `Invalid ${IDEMPOTENCY_KEY_HEADER}`, [{ field: IDEMPOTENCY_KEY_HEADER, message }]);
  if (Array.isArray(value)) throw invalid('expected one header');
  const parsed = IdempotencyKeySchema.safeParse(value);
  if (!parsed.success) throw invalid(toFieldErrors(parsed.error.issues)[0]?.message ?? 'invalid');
  return parsed.data;
}

const HeaderValue = createParamDecorator((_: unknown, context: ExecutionContext) =>
  idempotencyKeyOf(
    context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers['idempotency-key'],
  ),
);

/** The validated `Idempotency-Key` header as a parameter, documented in OpenAPI. */
export const IdempotencyKey = (): ParameterDecorator => HeaderValue();

/** Documents the `Idempotency-Key` header of an operation. */
export const ApiIdempotencyKey = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: true,
      description:
        'Chosen by the client, unique per intended order (a UUID, say), scoped to the user and kept 24 h: a retry with the same ' +
        'key and body answers the first answer; the same key with another body is 422, while the first is still running 409',
      schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH, pattern: '^[\\x21-\\x7E]+$' },
    }),
  );
