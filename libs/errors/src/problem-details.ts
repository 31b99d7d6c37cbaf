import { ERROR_STATUS, type ErrorCode, type FieldError } from '@shopmesh/contracts';

/** RFC 9457 problem details, as every ShopMesh HTTP error is answered. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  correlationId: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemDetails(input: {
  code: ErrorCode;
  detail: string;
  correlationId: string;
  errors?: FieldError[];
}): ProblemDetails {
  const status = ERROR_STATUS[input.code];
  return {
    type: `https://shopmesh.dev/problems/${input.code.toLowerCase().replace(/[._]/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: input.detail,
    code: input.code,
    correlationId: input.correlationId,
    ...(input.errors ? { errors: input.errors } : {}),
  };
}
