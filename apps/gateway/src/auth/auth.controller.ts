import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  IdentityRpc,
  LoginRequestSchema,
  LogoutRequestSchema,
  RefreshRequestSchema,
  RegisterRequestSchema,
  TokenPairSchema,
  UserSchema,
  type Actor,
  type LoginRequest,
  type LogoutRequest,
  type RefreshRequest,
  type RegisterRequest,
  type TokenPair,
  type User,
} from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import { RateLimit } from '../edge/rate-limit/rate-limit.decorator';
import { ApiProblemResponses, BODY_PROBLEMS, UPSTREAM_PROBLEMS } from '../openapi/api-problem-responses.decorator';
import { Authenticated, Public } from './auth.decorators';
import { CurrentActor, CurrentUser, type AuthenticatedUser } from './authenticated-user';
import { SessionCheck } from './session-check';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    @InjectRpcClient('identity') private readonly identity: RpcClient,
    private readonly sessions: SessionCheck,
  ) {}

  @Post('v1/auth/register')
  @Public()
  @RateLimit('register')
  @ApiOperation({ summary: 'Create a customer account' })
  @ApiCreatedResponse({ standardSchema: UserSchema })
  @ApiProblemResponses(
    ...BODY_PROBLEMS,
    'IDENTITY.EMAIL_TAKEN',
    'RATE_LIMIT.EXCEEDED',
    'RATE_LIMIT.UNAVAILABLE',
    ...UPSTREAM_PROBLEMS,
  )
  register(@Body({ schema: RegisterRequestSchema }) body: RegisterRequest): Promise<User> {
    return this.identity.call(IdentityRpc.register, body);
  }

  @Post('v1/auth/login')
  @Public()
  @HttpCode(200)
  @RateLimit('login')
  @ApiOperation({ summary: 'Exchange credentials for an access token and a refresh token' })
  @ApiOkResponse({ standardSchema: TokenPairSchema })
  @ApiProblemResponses(
    ...BODY_PROBLEMS,
    'IDENTITY.INVALID_CREDENTIALS',
    'RATE_LIMIT.EXCEEDED',
    'RATE_LIMIT.UNAVAILABLE',
    ...UPSTREAM_PROBLEMS,
  )
  login(@Body({ schema: LoginRequestSchema }) body: LoginRequest): Promise<TokenPair> {
    return this.identity.call(IdentityRpc.login, body);
  }

  @Post('v1/auth/refresh')
  @Public()
  @HttpCode(200)
  @RateLimit('auth')
  @ApiOperation({ summary: 'A new token pair; the refresh token rotates, and reusing a used one ends its session' })
  @ApiOkResponse({ standardSchema: TokenPairSchema })
  @ApiProblemResponses(...BODY_PROBLEMS, 'IDENTITY.INVALID_REFRESH_TOKEN', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  refresh(@Body({ schema: RefreshRequestSchema }) body: RefreshRequest): Promise<TokenPair> {
    return this.identity.call(IdentityRpc.refresh, body);
  }

  @Post('v1/auth/logout')
  @Authenticated()
  @HttpCode(204)
  @RateLimit('auth')
  @ApiOperation({ summary: 'End the session of this refresh token' })
  @ApiNoContentResponse({ description: 'The session is ended' })
  @ApiProblemResponses(...BODY_PROBLEMS, 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  async logout(
    @CurrentUser() user: AuthenticatedUser,
    @Body({ schema: LogoutRequestSchema }) body: LogoutRequest,
  ): Promise<void> {
    await this.identity.call(IdentityRpc.logout, body, { actor: { userId: user.id, role: user.role } });
    this.sessions.forget(user.id, user.sessionId); // this gateway stops trusting the session at once
  }

  @Get('v1/me')
  @Authenticated()
  @RateLimit('read')
  @ApiTags('me')
  @ApiOperation({ summary: 'The profile of the caller' })
  @ApiOkResponse({ standardSchema: UserSchema })
  @ApiProblemResponses('IDENTITY.USER_NOT_FOUND', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  me(@CurrentActor() actor: Actor): Promise<User> {
    return this.identity.call(IdentityRpc.me, {}, { actor });
  }
}
