import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier, jwksOf, loadSigningKeyFiles } from '@shopmesh/auth';
import { rpcClientToken, type RpcClient } from '@shopmesh/rpc';
import type { GatewayConfig } from '../gateway.config';
import { AccessTokenGuard } from './access-token.guard';
import { AuthController } from './auth.controller';
import { JWKS, JwksController } from './jwks.controller';
import { SessionCheck } from './session-check';

/** Access tokens at the edge: verified locally with the public key; the guard is global. */
@Module({})
export class AuthModule {
  static register(config: GatewayConfig): DynamicModule {
    const keys = loadSigningKeyFiles({ publicKeyFile: config.app.JWT_PUBLIC_KEY_FILE });
    return {
      module: AuthModule,
      controllers: [AuthController, JwksController],
      providers: [
        {
          provide: AccessTokenVerifier,
          useFactory: () =>
            new AccessTokenVerifier([keys.publicKey], { issuer: config.app.JWT_ISSUER, audience: config.app.JWT_AUDIENCE }),
        },
        { provide: JWKS, useValue: jwksOf([keys.publicKey]) },
        {
          provide: SessionCheck,
          inject: [rpcClientToken('identity')],
          useFactory: (identity: RpcClient) => new SessionCheck(identity, config.app.SESSION_CHECK_CACHE_MS),
        },
        { provide: APP_GUARD, useClass: AccessTokenGuard },
      ],
      exports: [SessionCheck],
    };
  }
}
