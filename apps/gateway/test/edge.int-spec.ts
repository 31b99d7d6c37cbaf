import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  HttpCode,
  Module,
  Post,
  UseGuards,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { ErrorFilter } from '@shopmesh/errors';
import { correlationMiddleware } from '@shopmesh/logging';
import { TcpProxy, testEnv, waitUntil } from '@shopmesh/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { configureEdge } from '../src/edge/configure-edge';
import type { EdgeOptions } from '../src/edge/edge-options';
import { EdgeModule } from '../src/edge/edge.module';
import { POLICY_BEHAVIOUR } from '../src/edge/rate-limit/rate-limit-policy';
import { RateLimit } from '../src/edge/rate-limit/rate-limit.decorator';
import { setupOpenApi } from '../src/openapi/setup-openapi';

/** Stands in for the access-token guard: the user named by a test header. */
class TestUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: { id: string } }>();
    if (req.headers['x-test-user']) req.user = { id: req.headers['x-test-user'] };
    return true;
  }
}

@Controller('t')
class EdgeTestController {
  @Post('login')
  @HttpCode(200)
  @RateLimit('login')
  login(): { ok: true } {
    return { ok: true };
  }

  @Get('read')
  @RateLimit('read')
  read(): { ok: true } {
    return { ok: true };
  }

  @Post('write')
  @RateLimit('write')
  @UseGuards(TestUserGuard)
  write(): { ok: true } {
    return { ok: true };
  }

  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({})
class EdgeTestModule {
  static register(options: EdgeOptions): DynamicModule {
    return {
      module: EdgeTestModule,
      imports: [EdgeModule.register(options)],
      controllers: [EdgeTestController],
      providers: [{ provide: APP_FILTER, useClass: ErrorFilter }],
    };
  }
}

const WINDOW_MS = 60_000;

const edgeOptions = (redisUrl: string, keyPrefix: string, overrides: Partial<EdgeOptions>): EdgeOptions => ({
  trustedProxyHops: 0,
  corsOrigins: [],
  jsonBodyLimitBytes: 1024 * 1024,
  rateLimit: {
    redisUrl,
    keyPrefix,
    redisTimeoutMs: 150,
    policies: {
      login: { limit: 3, windowMs: WINDOW_MS, ...POLICY_BEHAVIOUR.login },
      register: { limit: 3, windowMs: WINDOW_MS, ...POLICY_BEHAVIOUR.register },
      auth: { limit: 3, windowMs: WINDOW_MS, ...POLICY_BEHAVIOUR.auth },
      read: { limit: 1000, windowMs: WINDOW_MS, ...POLICY_BEHAVIOUR.read },
      write: { limit: 2, windowMs: WINDOW_MS, ...POLICY_BEHAVIOUR.write },
      stream: { limit: 2, windowMs: WINDOW_MS, ...POLICY_BEHAVIOUR.stream },
    },
  },
  ...overrides,
});

const api = (app: INestApplication) => request(app.getHttpServer() as Server);

/** The app as `startApp` builds it: correlation ids first, then the edge, then the routes. */
const startEdgeApp = async (options: EdgeOptions): Promise<INestApplication> => {
  const app = await NestFactory.create(EdgeTestModule.register(options), { logger: false });
  app.use(correlationMiddleware);
  configureEdge(app, options);
  setupOpenApi(app);
  await app.init();
  await waitUntil('the rate limiter reaches Redis', async () => {
    const res = await api(app).get('/t/read');
    return res.headers['ratelimit-limit'] !== undefined;
  });
  return app;
};

const timed = async <T>(run: () => PromiseLike<T>): Promise<{ result: T; ms: number }> => {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
};

/**
 * The gateway's edge against real Redis, reached through a proxy this test cuts: rate limits
 * with their headers and failure modes, body limits, security headers and CORS.
 */
describe('gateway edge (real Redis)', () => {
  const keyPrefix = `test:edge:${randomUUID()}`;
  let redis: Redis;
  let proxy: TcpProxy;
  let stallingProxy: TcpProxy;
  let direct: INestApplication;
  let stalling: INestApplication;
  let behindProxy: INestApplication;
  let withCors: INestApplication;

  beforeAll(async () => {
    const redisUrl = new URL(testEnv().REDIS_URL ?? 'redis://127.0.0.1:6379');
    redis = new Redis(redisUrl.toString());
    proxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    const proxiedRedisUrl = `redis://127.0.0.1:${await proxy.start()}`;
    stallingProxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    const stallingRedisUrl = `redis://127.0.0.1:${await stallingProxy.start()}`;
    direct = await startEdgeApp(edgeOptions(proxiedRedisUrl, `${keyPrefix}:direct`, {}));
    behindProxy = await startEdgeApp(edgeOptions(proxiedRedisUrl, `${keyPrefix}:proxied`, { trustedProxyHops: 1 }));
    withCors = await startEdgeApp(edgeOptions(proxiedRedisUrl, `${keyPrefix}:cors`, { corsOrigins: ['https://shop.example'] }));
    stalling = await startEdgeApp(edgeOptions(stallingRedisUrl, `${keyPrefix}:stalling`, {}));
  });

  afterAll(async () => {
    await Promise.all([direct, behindProxy, withCors, stalling].map((app) => app?.close()));
    await proxy?.stop();
    await stallingProxy?.stop();
    for await (const keys of redis.scanStream({ match: `${keyPrefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
    redis?.disconnect();
  });

  describe('rate limiting', () => {
    it('refuses login past its limit from one address, whatever X-Forwarded-For says, with Retry-After and RateLimit-*', async () => {
      const login = (i: number) => api(direct).post('/t/login').set('x-forwarded-for', `198.51.100.${i}`).send({});
      for (let i = 0; i < 3; i++) {
        const res = await login(i);
        expect(res.status).toBe(200);
        expect(res.headers['ratelimit-remaining']).toBe(String(2 - i));
      }
      const refused = await login(99);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 429, code: 'RATE_LIMIT.EXCEEDED' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '0', 'ratelimit-policy': '3;w=60' });
      expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThan(0);
    });

    it('counts by the X-Forwarded-For entry of the trusted proxy with TRUSTED_PROXY_HOPS=1', async () => {
      const login = (client: string) => api(behindProxy).post('/t/login').set('x-forwarded-for', `10.9.9.9, ${client}`).send({});
      for (let i = 0; i < 3; i++) expect((await login('203.0.113.1')).status).toBe(200);
      expect((await login('203.0.113.1')).status).toBe(429);
      expect((await login('203.0.113.2')).status).toBe(200);
    });

    it('counts authenticated users by id, after the auth guard listed below @RateLimit', async () => {
      const write = (user: string) => api(direct).post('/t/write').set('x-test-user', user).send({});
      expect((await write('alice')).status).toBe(201);
      expect((await write('alice')).status).toBe(201);
      expect((await write('alice')).status).toBe(429);
      expect((await write('bob')).status).toBe(201);
    });
  });

  describe('HTTP hardening', () => {
    it('answers 413 problem+json to a 2 MB body', async () => {
      const res = await api(direct)
        .post('/t/echo')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) }));
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'HTTP.PAYLOAD_TOO_LARGE' });
    });

    it('accepts a JSON body under the limit', async () => {
      const res = await api(direct)
        .post('/t/echo')
        .send({ blob: 'x'.repeat(512 * 1024) });
      expect(res.status).toBe(200);
      expect((res.body as { blob: string }).blob).toHaveLength(512 * 1024);
    });

    it('answers 400 HTTP.BAD_REQUEST to malformed JSON', async () => {
      const res = await api(direct).post('/t/echo').set('content-type', 'application/json').send('{"a":');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'HTTP.BAD_REQUEST' });
    });

    it.each([
      ['text/plain', 'hello'],
      ['application/x-www-form-urlencoded', 'a=1'],
    ])('answers 415 HTTP.UNSUPPORTED_MEDIA_TYPE to a %s body', async (type, body) => {
      const res = await api(direct).post('/t/echo').set('content-type', type).send(body);
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ code: 'HTTP.UNSUPPORTED_MEDIA_TYPE' });
    });

    it('sends security headers, a deny-all CSP on the API and none of X-Powered-By', async () => {
      const res = await api(direct).get('/t/read');
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'content-security-policy': "default-src 'none';frame-ancestors 'none'",
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-correlation-id']).toBeDefined();
    });

    it('serves Swagger UI at /docs under a policy that lets it run', async () => {
      const page = await api(direct).get('/docs/');
      expect(page.status).toBe(200);
      const csp = page.headers['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' https: 'unsafe-inline'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect((await api(direct).get('/docs/swagger-ui-init.js')).status).toBe(200);
    });

    it('allows a CORS preflight from a configured origin, exposing the rate-limit headers', async () => {
      const preflight = await api(withCors)
        .options('/t/login')
        .set('origin', 'https://shop.example')
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      const simple = await api(withCors).get('/t/read').set('origin', 'https://shop.example');
      expect(simple.headers['access-control-expose-headers']).toContain('RateLimit-Remaining');
      expect(simple.headers['access-control-expose-headers']).toContain('Retry-After');
    });

    it('allows no other origin, and none at all without CORS_ORIGINS', async () => {
      const preflight = (app: INestApplication) =>
        api(app).options('/t/login').set('origin', 'https://evil.example').set('access-control-request-method', 'POST');
      expect((await preflight(withCors)).headers['access-control-allow-origin']).toBeUndefined();
      expect((await preflight(direct)).headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('when Redis fails', () => {
    afterEach(() => {
      proxy.heal();
      stallingProxy.heal();
    });

    it.each([
      ['is cut (connection refused)', () => direct, () => proxy.cut()],
      ['hangs (connected, silent)', () => stalling, () => stallingProxy.stall()],
    ])(
      'when Redis %s, reads pass (fail open) and logins are refused 503 (fail closed), each within 1 s',
      async (_, app, fail) => {
        fail();
        const read = await timed(() => api(app()).get('/t/read'));
        expect(read.result.status).toBe(200);
        expect(read.result.headers['ratelimit-limit']).toBeUndefined();
        expect(read.ms).toBeLessThan(1000);
        const login = await timed(() => api(app()).post('/t/login').set('x-forwarded-for', '1.2.3.4').send({}));
        expect(login.result.status).toBe(503);
        expect(login.result.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(login.result.body).toMatchObject({ code: 'RATE_LIMIT.UNAVAILABLE' });
        expect(login.ms).toBeLessThan(1000);
      },
    );

    it('limits again once Redis is back', async () => {
      proxy.cut();
      expect((await api(behindProxy).post('/t/login').set('x-forwarded-for', '203.0.113.9').send({})).status).toBe(503);
      proxy.heal();
      const res = await waitUntil('login is counted again', async () => {
        const r = await api(behindProxy).post('/t/login').set('x-forwarded-for', '203.0.113.9').send({});
        return r.status === 200 && r;
      });
      expect(res.headers['ratelimit-limit']).toBe('3');
    });

    it('counts again once a stalled Redis answers', async () => {
      stallingProxy.stall();
      expect((await api(stalling).post('/t/login').send({})).status).toBe(503);
      stallingProxy.heal();
      const res = await waitUntil('login is counted again', async () => {
        const r = await api(stalling).post('/t/login').send({});
        return r.status === 200 && r;
      });
      expect(res.headers['ratelimit-limit']).toBe('3');
    });
  });
});
