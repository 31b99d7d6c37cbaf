import { Logger, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@shopmesh/errors';
import { POLICY_BEHAVIOUR, type RateLimitPolicies } from './rate-limit-policy';
import { RateLimit } from './rate-limit.decorator';
import { RateLimitGuard } from './rate-limit.guard';
import type { RateLimiter, RateLimitWindow } from './rate-limiter';

class InMemoryLimiter implements RateLimiter {
  readonly hits = new Map<string, number>();
  down = false;
  hit(key: string, windowMs: number): Promise<RateLimitWindow> {
    if (this.down) return Promise.reject(new Error('Connection is closed.'));
    const hits = (this.hits.get(key) ?? 0) + 1;
    this.hits.set(key, hits);
    return Promise.resolve({ hits, resetMs: windowMs - 500 });
  }
}

class Routes {
  @RateLimit('login') login(): void {}
  @RateLimit('read') read(): void {}
  unlimited(): void {}
}

@RateLimit('write')
class WriteRoutes {
  @RateLimit('read') read(): void {}
}

const policies: RateLimitPolicies = {
  login: { limit: 2, windowMs: 60_000, ...POLICY_BEHAVIOUR.login },
  register: { limit: 2, windowMs: 60_000, ...POLICY_BEHAVIOUR.register },
  auth: { limit: 2, windowMs: 60_000, ...POLICY_BEHAVIOUR.auth },
  read: { limit: 2, windowMs: 60_000, ...POLICY_BEHAVIOUR.read },
  write: { limit: 2, windowMs: 60_000, ...POLICY_BEHAVIOUR.write },
  stream: { limit: 2, windowMs: 60_000, ...POLICY_BEHAVIOUR.stream },
};

const call = (
  target: object,
  method: string,
  request: { ip?: string; user?: { id: string } } = {},
): { context: ExecutionContext; headers: Record<string, string> } => {
  const headers: Record<string, string> = {};
  const req = { headers: {}, socket: { remoteAddress: request.ip ?? '198.51.100.9' }, user: request.user };
  const res = {
    set: (field: string | Record<string, string>, value?: string) =>
      Object.assign(headers, typeof field === 'string' ? { [field]: value } : field),
  };
  const context = {
    getType: () => 'http',
    getHandler: () => (target as Record<string, unknown>)[method],
    getClass: () => target.constructor,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
  return { context, headers };
};

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof AppError ? error.code : 'not an AppError'),
  );

describe(RateLimitGuard.name, () => {
  let limiter: InMemoryLimiter;
  let sut: RateLimitGuard;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    limiter = new InMemoryLimiter();
    sut = new RateLimitGuard(new Reflector(), limiter, { keyPrefix: 'test', policies, trustedProxyHops: 0 });
  });

  it('lets requests through up to the limit with the RateLimit headers', async () => {
    const first = call(Routes.prototype, 'login');
    await expect(sut.canActivate(first.context)).resolves.toBe(true);
    expect(first.headers).toEqual({
      'RateLimit-Limit': '2',
      'RateLimit-Remaining': '1',
      'RateLimit-Reset': '60',
      'RateLimit-Policy': '2;w=60',
    });
  });

  it('refuses past the limit with RATE_LIMIT.EXCEEDED and Retry-After', async () => {
    await sut.canActivate(call(Routes.prototype, 'login').context);
    await sut.canActivate(call(Routes.prototype, 'login').context);
    const third = call(Routes.prototype, 'login');
    expect(await codeOf(sut.canActivate(third.context))).toBe('RATE_LIMIT.EXCEEDED');
    expect(third.headers).toMatchObject({ 'Retry-After': '60', 'RateLimit-Remaining': '0' });
    await expect(sut.canActivate(call(Routes.prototype, 'login', { ip: '203.0.113.7' }).context)).resolves.toBe(true);
  });

  it('counts authenticated users apart on per-user policies, even behind one address', async () => {
    for (let i = 0; i < 2; i++) await sut.canActivate(call(Routes.prototype, 'read', { user: { id: 'a' } }).context);
    expect(await codeOf(sut.canActivate(call(Routes.prototype, 'read', { user: { id: 'a' } }).context))).toBe(
      'RATE_LIMIT.EXCEEDED',
    );
    await expect(sut.canActivate(call(Routes.prototype, 'read', { user: { id: 'b' } }).context)).resolves.toBe(true);
  });

  it('fails open or closed as the policy says when Redis is down', async () => {
    limiter.down = true;
    await expect(sut.canActivate(call(Routes.prototype, 'read').context)).resolves.toBe(true);
    expect(await codeOf(sut.canActivate(call(Routes.prototype, 'login').context))).toBe('RATE_LIMIT.UNAVAILABLE');
  });

  it('leaves routes without a policy alone, and counts a method overriding its controller once', async () => {
    await expect(sut.canActivate(call(Routes.prototype, 'unlimited').context)).resolves.toBe(true);
    const { context } = call(WriteRoutes.prototype, 'read');
    await sut.canActivate(context);
    await sut.canActivate(context); // the controller's guard and the method's guard, one request
    expect([...limiter.hits]).toEqual([['test:read:ip:198.51.100.9', 1]]);
  });
});
