import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Role } from '@shopmesh/contracts';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';

export const PUBLIC_ROUTE = 'shopmesh:public';
export const REQUIRED_ROLE = 'shopmesh:role';
export const AUTHENTICATED_ROUTE = 'shopmesh:authenticated';

/** Anyone may call this route: no access token needed (every other route needs one). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** The route needs a valid access token (401 otherwise), and `role` if given (403 otherwise). */
export const Authenticated = (role?: Role): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(AUTHENTICATED_ROUTE, true),
    SetMetadata(REQUIRED_ROLE, role),
    ApiBearerAuth(),
    ApiProblemResponses('AUTH.UNAUTHENTICATED', ...(role ? (['AUTH.FORBIDDEN'] as const) : [])),
  );
