/**
 * Every error code that may cross a process boundary, with the HTTP status the gateway
 * answers for it. Codes are a public contract: never rename one, only add.
 */
export const ERROR_STATUS = {
  'VALIDATION.FAILED': 400,
  'HTTP.NOT_FOUND': 404,
  'HTTP.METHOD_NOT_ALLOWED': 405,
  'HTTP.PAYLOAD_TOO_LARGE': 413,
  'HTTP.UNSUPPORTED_MEDIA_TYPE': 415,
  'HTTP.BAD_REQUEST': 400,
  'CATALOG.PRODUCT_NOT_FOUND': 404,
  'CATALOG.SKU_TAKEN': 409,
  'CATALOG.VERSION_CONFLICT': 409,
  'CART.PRODUCT_UNAVAILABLE': 409,
  'CART.TOO_MANY_LINES': 409,
  'CART.CURRENCY_MISMATCH': 409,
  'CART.TOTAL_TOO_LARGE': 409,
  'CART.EMPTY': 409,
  'CART.NEEDS_REVIEW': 409,
  'INVENTORY.SKU_NOT_FOUND': 404,
  'INVENTORY.BELOW_RESERVED': 409,
  'ORDERS.ORDER_NOT_FOUND': 404,
  'ORDERS.PRODUCT_UNAVAILABLE': 409,
  'ORDERS.PRICE_CHANGED': 409,
  'ORDERS.CURRENCY_MISMATCH': 409,
  'ORDERS.TOTAL_TOO_LARGE': 409,
  'IDEMPOTENCY.KEY_REQUIRED': 400,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'IDEMPOTENCY.IN_PROGRESS': 409,
  'IDENTITY.EMAIL_TAKEN': 409,
  'IDENTITY.INVALID_CREDENTIALS': 401,
  'IDENTITY.INVALID_REFRESH_TOKEN': 401,
  'IDENTITY.USER_NOT_FOUND': 404,
  'AUTH.UNAUTHENTICATED': 401,
  'AUTH.FORBIDDEN': 403,
  'UPSTREAM.UNAVAILABLE': 503,
  'UPSTREAM.TIMEOUT': 503,
  'UPSTREAM.OVERLOADED': 503,
  'UPSTREAM.INVALID_RESPONSE': 502,
  'SERVICE.SHUTTING_DOWN': 503,
  'RATE_LIMIT.EXCEEDED': 429,
  'RATE_LIMIT.UNAVAILABLE': 503,
  'SETTINGS.INVALID': 422,
  'SETTINGS.VERSION_CONFLICT': 409,
  'SETTINGS.UNAVAILABLE': 503,
  'CHECKOUT.CLOSED': 503,
  INTERNAL: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** True if `code` is one of ours. */
export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);

/** One invalid field of a request. */
export interface FieldError {
  field: string;
  message: string;
}

/** The shape of an error as it travels between services. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
}
