import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type ApiResponseSchemaHost } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from '@shopmesh/contracts';

const problemSchema = (codes: readonly ErrorCode[]): ApiResponseSchemaHost['schema'] => ({
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'correlationId'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: [...codes] },
    correlationId: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
});

/** What a body-taking route can refuse before it runs: malformed, invalid, too large, not JSON. */
export const BODY_PROBLEMS = [
  'HTTP.BAD_REQUEST',
  'VALIDATION.FAILED',
  'HTTP.PAYLOAD_TOO_LARGE',
  'HTTP.UNSUPPORTED_MEDIA_TYPE',
] as const satisfies readonly ErrorCode[];

/** What any route calling a service can answer when the service cannot. */
export const UPSTREAM_PROBLEMS = [
  'UPSTREAM.UNAVAILABLE',
  'UPSTREAM.TIMEOUT',
  'UPSTREAM.OVERLOADED',
  'UPSTREAM.INVALID_RESPONSE',
] as const satisfies readonly ErrorCode[];

/**
 * Documents the problem+json answers of an operation by their codes: one response per HTTP status,
 * listing the codes it can carry (the status of each comes from `ERROR_STATUS`, the one table).
 */
export function ApiProblemResponses(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return applyDecorators(
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: `Problem details (RFC 9457), \`code\` one of ${list.map((c) => `\`${c}\``).join(', ')}`,
        content: { 'application/problem+json': { schema: problemSchema(list) } },
      }),
    ),
  );
}
