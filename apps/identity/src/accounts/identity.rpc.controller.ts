import { Controller } from '@nestjs/common';
import {
  IdentityRpc,
  type Actor,
  type LoginRequest,
  type LogoutRequest,
  type RefreshRequest,
  type RegisterRequest,
  type TokenPair,
  type User,
} from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcActor, RpcHandler, RpcPayload } from '@shopmesh/rpc';
import { LoginService } from '../login/login.service';
import { LogoutService } from '../logout/logout.service';
import { MeService } from '../me/me.service';
import { RefreshService } from '../refresh/refresh.service';
import { RegisterService } from '../register/register.service';
import { SessionCheckService } from '../session-check/session-check.service';

/** The TCP adapter of identity's use cases: no rules here, only codes for their outcomes. */
@Controller()
export class IdentityRpcController {
  constructor(
    private readonly registration: RegisterService,
    private readonly logins: LoginService,
    private readonly refreshes: RefreshService,
    private readonly logouts: LogoutService,
    private readonly profiles: MeService,
    private readonly sessions: SessionCheckService,
  ) {}

  @RpcHandler(IdentityRpc.register)
  async register(@RpcPayload(IdentityRpc.register) request: RegisterRequest): Promise<User> {
    const result = await this.registration.register(request);
    if (!result.ok) throw new AppError('IDENTITY.EMAIL_TAKEN', 'An account with this email exists already');
    return result.user;
  }

  @RpcHandler(IdentityRpc.login)
  async login(@RpcPayload(IdentityRpc.login) request: LoginRequest): Promise<TokenPair> {
    const result = await this.logins.login(request);
    if (!result.ok) throw new AppError('IDENTITY.INVALID_CREDENTIALS', 'The email or the password is wrong');
    return result.tokens;
  }

  @RpcHandler(IdentityRpc.refresh)
  async refresh(@RpcPayload(IdentityRpc.refresh) { refreshToken }: RefreshRequest): Promise<TokenPair> {
    const result = await this.refreshes.refresh(refreshToken);
    if (!result.ok) throw new AppError('IDENTITY.INVALID_REFRESH_TOKEN', 'The refresh token is not valid; log in again');
    return result.tokens;
  }

  @RpcHandler(IdentityRpc.logout)
  async logout(@RpcActor() actor: Actor, @RpcPayload(IdentityRpc.logout) { refreshToken }: LogoutRequest) {
    await this.logouts.logout(actor.userId, refreshToken);
    return { loggedOut: true as const };
  }

  @RpcHandler(IdentityRpc.me)
  async me(@RpcActor() actor: Actor): Promise<User> {
    const result = await this.profiles.profile(actor.userId);
    if (!result.ok) throw new AppError('IDENTITY.USER_NOT_FOUND', 'The account no longer exists');
    return result.user;
  }

  @RpcHandler(IdentityRpc.sessionActive)
  async sessionActive(
    @RpcPayload(IdentityRpc.sessionActive) { userId, sessionId }: { userId: string; sessionId: string },
  ): Promise<{ active: boolean }> {
    return { active: await this.sessions.isSessionActive(userId, sessionId) };
  }
}
