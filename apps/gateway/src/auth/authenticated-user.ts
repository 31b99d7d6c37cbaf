import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor, Role } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';

/** The user of a request with a verified access token (set by {@link AccessTokenGuard}). */
export interface AuthenticatedUser {
  id: string;
  role: Role;
  sessionId: string;
}

export type AuthenticatedRequest = { user?: AuthenticatedUser; headers: Record<string, string | string[] | undefined> };

function userOf(context: ExecutionContext): AuthenticatedUser {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new AppError('AUTH.UNAUTHENTICATED', 'A valid access token is required');
  return user;
}

/** The verified user, as the actor the services act for. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const { id, role } = userOf(context);
  return { userId: id, role };
});

/** The verified user of the request, with its session. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext) => userOf(context));
