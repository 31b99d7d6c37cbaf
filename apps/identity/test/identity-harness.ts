import { generateKeyPairSync } from 'node:crypto';
import { AccessTokenIssuer, AccessTokenVerifier, keyIdOf } from '@shopmesh/auth';
import { postgresDataSourceOptions, runMigrations } from '@shopmesh/database';
import { identitySchema } from '../src/database/identity.data-source';
import { Outbox } from '@shopmesh/messaging';
import { createTestDatabase, dropTestDatabase, pgConnectionOf, testEnv } from '@shopmesh/testing';
import { DataSource } from 'typeorm';

import { DEFAULT_LOCKOUT_POLICY, type LockoutPolicyOptions } from '../src/lockout/lockout-policy';
import { LoginLockout } from '../src/lockout/login-lockout.service';
import { LoginService } from '../src/login/login.service';
import { LogoutService } from '../src/logout/logout.service';
import { MeService } from '../src/me/me.service';
import { PasswordHasher } from '../src/passwords/password-hasher';
import { RefreshService } from '../src/refresh/refresh.service';
import { TokenPairIssuer } from '../src/refresh-tokens/token-pair-issuer.service';
import { RegisterService } from '../src/register/register.service';
import { SeedAdminService } from '../src/seed-admin/seed-admin.service';
import { SessionCheckService } from '../src/session-check/session-check.service';

/** A clock the test moves by hand. */
export interface TestClock {
  (): Date;
  advance(seconds: number): void;
}

/** Real time plus what the test advanced; `frozen`: only what the test advanced (a slow machine never moves it). */
const testClock = (frozen = false): TestClock => {
  const startedAt = Date.now();
  let offsetMs = 0;
  return Object.assign(() => new Date((frozen ? startedAt : Date.now()) + offsetMs), {
    advance: (s: number) => void (offsetMs += s * 1000),
  });
};

/** Cheap Argon2id parameters: these tests are about the flows, not the cost. */
const TEST_HASHING = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
export const TEST_AUDIENCE = { issuer: 'https://identity.shopmesh.test', audience: 'shopmesh-test' };
export const REFRESH_TTL_SECONDS = 3600;

/** Identity's services built by hand on a fresh, migrated test database (no Nest module involved). */
export interface IdentityUnderTest {
  dataSource: DataSource;
  clock: TestClock;
  verifier: AccessTokenVerifier;
  register: RegisterService;
  login: LoginService;
  refresh: RefreshService;
  logout: LogoutService;
  me: MeService;
  sessions: SessionCheckService;
  seedAdmin: SeedAdminService;
  close(): Promise<void>;
}

export async function startIdentity(
  suite: string,
  options: { lockout?: LockoutPolicyOptions; outbox?: Outbox; frozenClock?: boolean } = {},
): Promise<IdentityUnderTest> {
  const env = testEnv();
  const database = await createTestDatabase(pgConnectionOf(env), 'shopmesh_identity', suite);
  const dataSourceOptions = postgresDataSourceOptions(
    { ...pgConnectionOf(env), database, nodeEnv: 'test', applicationName: 'identity-test' },
    identitySchema,
  );
  await runMigrations(dataSourceOptions);
  const dataSource = await new DataSource(dataSourceOptions).initialize();

  const clock = testClock(options.frozenClock);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const nowMs = () => clock().getTime();
  const issuer = new AccessTokenIssuer({ privateKey, publicKey, kid: keyIdOf(publicKey) }, { ...TEST_AUDIENCE, now: nowMs });
  const passwords = new PasswordHasher(TEST_HASHING);
  const tokens = new TokenPairIssuer(issuer, REFRESH_TTL_SECONDS, clock);
  const lockout = new LoginLockout(dataSource, options.lockout ?? DEFAULT_LOCKOUT_POLICY, clock);
  return {
    dataSource,
    clock,
    verifier: new AccessTokenVerifier([publicKey], { ...TEST_AUDIENCE, now: nowMs }),
    register: new RegisterService(dataSource, options.outbox ?? new Outbox(false), passwords, clock),
    login: new LoginService(dataSource, passwords, lockout, tokens),
    refresh: new RefreshService(dataSource, tokens, clock),
    logout: new LogoutService(dataSource),
    me: new MeService(dataSource),
    sessions: new SessionCheckService(dataSource),
    seedAdmin: new SeedAdminService(dataSource, passwords),
    close: async () => {
      await dataSource.destroy();
      await dropTestDatabase(pgConnectionOf(env), database);
    },
  };
}
