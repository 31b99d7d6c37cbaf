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
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { Authenticated, Public } from './auth.decorators';
import { CurrentActor } from './authenticated-user';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(@InjectRpcClient('identity') private readonly identity: RpcClient) {}

  @Post('v1/auth/register')
  @Public()
  @RateLimit('register')
  @ApiOperation({ summary: 'Create a customer account' })
  @ApiCreatedResponse({ standardSchema: UserSchema })
  @ApiProblemResponses(400, 409, 413, 415, 429, 503)
  register(@Body({ schema: RegisterRequestSchema }) body: RegisterRequest): Promise<User> {
    return this.identity.call(IdentityRpc.register, body);
  }

  @Post('v1/auth/login')
  @Public()
  @HttpCode(200)
  @RateLimit('login')
  @ApiOperation({ summary: 'Exchange credentials for an access token and a refresh token' })
  @ApiOkResponse({ standardSchema: TokenPairSchema })
  @ApiProblemResponses(400, 401, 429, 503)
  login(@Body({ schema: LoginRequestSchema }) body: LoginRequest): Promise<TokenPair> {
    return this.identity.call(IdentityRpc.login, body);
  }

  @Post('v1/auth/refresh')
  @Public()
  @HttpCode(200)
  @RateLimit('auth')
  @ApiOperation({ summary: 'A new token pair; the refresh token rotates, and reusing a used one ends its session' })
  @ApiOkResponse({ standardSchema: TokenPairSchema })
  @ApiProblemResponses(400, 401, 429, 503)
  refresh(@Body({ schema: RefreshRequestSchema }) body: RefreshRequest): Promise<TokenPair> {
    return this.identity.call(IdentityRpc.refresh, body);
  }

  @Post('v1/auth/logout')
  @Authenticated()
  @HttpCode(204)
  @RateLimit('auth')
  @ApiOperation({ summary: 'End the session of this refresh token' })
  @ApiNoContentResponse({ description: 'The session is ended' })
  @ApiProblemResponses(400, 429, 503)
  async logout(@CurrentActor() actor: Actor, @Body({ schema: LogoutRequestSchema }) body: LogoutRequest): Promise<void> {
    await this.identity.call(IdentityRpc.logout, body, { actor });
  }

  @Get('v1/me')
  @Authenticated()
  @RateLimit('read')
  @ApiTags('me')
  @ApiOperation({ summary: 'The profile of the caller' })
  @ApiOkResponse({ standardSchema: UserSchema })
  @ApiProblemResponses(404, 429, 503)
  me(@CurrentActor() actor: Actor): Promise<User> {
    return this.identity.call(IdentityRpc.me, {}, { actor });
  }
}
