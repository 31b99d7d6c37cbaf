import { randomUUID } from 'node:crypto';
import { TcpProxy, testEnv, waitUntil } from '@shopmesh/testing';
import { startPlatform, type Platform } from './platform';

/**
 * The gateway's Redis (rate limits) behind a proxy the test cuts: reads keep being served (the
 * limiter fails open for them) and login is refused with 503 (it fails closed), each at once; the
 * gateway's readiness reports Redis degraded (still 200: it serves); everything comes back with Redis.
 */
describe('gateway without its Redis (real processes, Redis behind a proxy)', () => {
  let platform: Platform;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const redis = new URL(testEnv().REDIS_URL ?? 'redis://127.0.0.1:6379');
    proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    const port = await proxy.start();
    platform = await startPlatform('gwredis', {}, { REDIS_URL: `redis://127.0.0.1:${port}` });
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
    await proxy?.stop();
  });

  const login = () =>
    fetch(`${platform.api}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: platform.env.ADMIN_EMAIL, password: platform.env.ADMIN_PASSWORD }),
    });

  it('(with Redis up) stops trusting a session at once on logout, although it caches open sessions (SESSION_CHECK_CACHE_MS 2000)', async () => {
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${platform.api}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const email = `logout-${randomUUID()}@example.com`;
    await post('/v1/auth/register', { email, password: 'correct horse battery', name: 'L' });
    const tokens = (await (await post('/v1/auth/login', { email, password: 'correct horse battery' })).json()) as {
      accessToken: string;
      refreshToken: string;
    };
    const me = () => fetch(`${platform.api}/v1/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect((await me()).status).toBe(200);
    expect((await post('/v1/auth/logout', { refreshToken: tokens.refreshToken }, tokens.accessToken)).status).toBe(204);
    expect((await me()).status).toBe(401);
  });

  it('serves reads, refuses login with 503 RATE_LIMIT.UNAVAILABLE, and recovers', async () => {
    expect((await login()).status).toBe(200);
    proxy.cut();
    const started = Date.now();
    const read = await fetch(`${platform.api}/v1/products?limit=2`);
    expect(read.status).toBe(200);
    const refused = await login();
    expect({ status: refused.status, code: ((await refused.json()) as { code: string }).code }).toEqual({
      status: 503,
      code: 'RATE_LIMIT.UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    await waitUntil('gateway readiness reports redis degraded (it still serves)', async () => {
      const res = await fetch(`${platform.api}/health/ready`);
      const body = (await res.json()) as { details: Record<string, { status: string }> };
      return res.status === 200 && body.details.redis?.status === 'degraded';
    });
    proxy.heal();
    await waitUntil('login works again', async () => (await login()).status === 200, { timeoutMs: 15_000 });
  });
});
