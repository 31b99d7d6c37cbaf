import { StandardSchemaValidationPipe } from '@nestjs/common';
import type { FieldError } from '@shopmesh/contracts';
import { AppError } from './app-error';

interface Issue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** Turns Standard Schema issues into field errors that name the field. */
export function toFieldErrors(issues: readonly Issue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const path = (issue.path ?? []).map((s) => String(typeof s === 'object' ? s.key : s));
    const unknownKeys = (issue as { keys?: unknown }).keys;
    if (Array.isArray(unknownKeys)) {
      // zod reports unknown fields as one issue on the parent object: name each field instead
      return unknownKeys.map((key) => ({ field: [...path, String(key)].join('.'), message: 'unknown field' }));
    }
    return [{ field: path.join('.') || '(root)', message: issue.message }];
  });
}

/**
 * The one validation pipe of every app: validates parameters that declare a schema
 * (`@Query({ schema })`, `@Payload('payload', { schema })`) and fails with `VALIDATION.FAILED`.
 */
export function createValidationPipe(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({
    exceptionFactory: (issues) => {
      const errors = toFieldErrors(issues);
      return new AppError('VALIDATION.FAILED', `Invalid ${errors.map((e) => e.field).join(', ')}`, errors);
    },
  });
}
