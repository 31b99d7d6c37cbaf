import { ERROR_STATUS, type ErrorCode, type ErrorPayload, type FieldError, isErrorCode } from '@shopmesh/contracts';

/**
 * An error with a stable code. Thrown inside a service it travels over RPC as
 * `{code, message, errors}`; at the gateway it becomes problem+json with the code's HTTP status.
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toPayload(): ErrorPayload {
    return this.errors
      ? { code: this.code, message: this.message, errors: this.errors }
      : { code: this.code, message: this.message };
  }

  /** Rebuilds an AppError from what came over the wire, if it is one of ours. */
  static fromPayload(value: unknown): AppError | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const { code, message, errors } = value as Partial<ErrorPayload>;
    if (!isErrorCode(code)) return undefined;
    return new AppError(code, typeof message === 'string' ? message : code, Array.isArray(errors) ? errors : undefined);
  }
}
