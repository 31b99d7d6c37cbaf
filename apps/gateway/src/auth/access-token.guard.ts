import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenVerifier } from '@shopmesh/auth';
import type { Role } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import type { Response } from 'express';
import { AUTHENTICATED_ROUTE, PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import type { AuthenticatedRequest } from './authenticated-user';
import { SessionCheck } from './session-check';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Every API route (`/v1/…`, and any `@Authenticated()` one) needs a valid access token unless it is `@Public()`: verified here with the public key
 * (EdDSA only, `iss`, `aud`, `exp`, `jti`, `sid` required), then its session checked with identity
 * (a deleted user or a revoked session is refused). `@Authenticated('admin')` routes also need the role.
 * Failures are 401 `AUTH.UNAUTHENTICATED` (with `WWW-Authenticate: Bearer`) or 403 `AUTH.FORBIDDEN`,
 * one answer for every reason a token is refused.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    @Inject(SessionCheck) private readonly sessions: SessionCheck,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { path?: string }>();
    // the API (/v1/…) is closed unless a route says @Public(); ops endpoints (health, metrics, docs) are open
    const declared = this.reflector.getAllAndOverride<boolean | undefined>(AUTHENTICATED_ROUTE, targets);
    if (!declared && !request.path?.startsWith('/v1/')) return true;
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    const refuse = (): never => {
      context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="shopmesh"');
      throw new AppError('AUTH.UNAUTHENTICATED', 'A valid access token is required (Authorization: Bearer <token>)');
    };
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) return refuse();
    const check = await this.verifier.verify(token);
    if (!check.ok) return refuse();
    const { sub, role, sid } = check.claims;
    if (!(await this.sessions.isActive(sub, sid))) return refuse();
    request.user = { id: sub, role, sessionId: sid };
    if (required && role !== required) throw new AppError('AUTH.FORBIDDEN', `This route is for the ${required} role`);
    return true;
  }
}
