import { DynamicModule, Module } from '@nestjs/common';
import { AccessTokenIssuer } from '@shopmesh/auth';
import type { IdentityConfig } from '../identity.config';
import { signingKeysOf } from '../identity.config';
import { LOCKOUT_POLICY_OPTIONS, PASSWORD_HASHING_OPTIONS, REFRESH_TOKEN_TTL_SECONDS } from '../identity.tokens';
import { DEFAULT_LOCKOUT_POLICY } from '../lockout/lockout-policy';
import { LoginLockout } from '../lockout/login-lockout.service';
import { LoginService } from '../login/login.service';
import { LogoutService } from '../logout/logout.service';
import { MeService } from '../me/me.service';
import { PasswordHasher } from '../passwords/password-hasher';
import { RefreshService } from '../refresh/refresh.service';
import { TokenPairIssuer } from '../refresh-tokens/token-pair-issuer.service';
import { RegisterService } from '../register/register.service';
import { SeedAdminService } from '../seed-admin/seed-admin.service';
import { SessionCheckService } from '../session-check/session-check.service';
import { ADMIN_ACCOUNT, AdminSeeder } from './admin-seeder';
import { IdentityRpcController } from './identity.rpc.controller';

/** Accounts, credentials and sessions: identity's use cases behind its RPCs. */
@Module({})
export class AccountsModule {
  static register(config: IdentityConfig): DynamicModule {
    const { app } = config;
    const keys = signingKeysOf(config);
    return {
      module: AccountsModule,
      controllers: [IdentityRpcController],
      providers: [
        {
          provide: AccessTokenIssuer,
          useFactory: () =>
            new AccessTokenIssuer(keys, {
              issuer: app.JWT_ISSUER,
              audience: app.JWT_AUDIENCE,
              ttlSeconds: app.ACCESS_TOKEN_TTL_SECONDS,
            }),
        },
        {
          provide: PASSWORD_HASHING_OPTIONS,
          useValue: { memoryCost: app.ARGON2_MEMORY_KIB, timeCost: app.ARGON2_TIME_COST, parallelism: app.ARGON2_PARALLELISM },
        },
        { provide: LOCKOUT_POLICY_OPTIONS, useValue: DEFAULT_LOCKOUT_POLICY },
        { provide: REFRESH_TOKEN_TTL_SECONDS, useValue: app.REFRESH_TOKEN_TTL_SECONDS },
        { provide: ADMIN_ACCOUNT, useValue: { email: app.ADMIN_EMAIL, password: app.ADMIN_PASSWORD, name: 'Administrator' } },
        PasswordHasher,
        TokenPairIssuer,
        LoginLockout,
        RegisterService,
        LoginService,
        RefreshService,
        LogoutService,
        MeService,
        SessionCheckService,
        SeedAdminService,
        AdminSeeder,
      ],
    };
  }
}
