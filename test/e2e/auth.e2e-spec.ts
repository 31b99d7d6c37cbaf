import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AccessTokenIssuer, keyIdOf, loadSigningKeys } from '@shopmesh/auth';
import { REPO_ROOT } from '@shopmesh/testing';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { startPlatform, type Platform } from './platform';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Identity, catalog and the gateway as real processes: every auth route and the token refusals. */
describe('auth through the gateway (real processes)', () => {
  let platform: Platform;
  let api: string;
  const json = (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const problem = async (res: Response) => ({
    ...((await res.json()) as object),
    status: res.status,
    contentType: res.headers.get('content-type'),
  });
  const usersWithEmail = async (email: string): Promise<number> => {
    const client = new Client({ ...pg(), database: platform.env.IDENTITY_DB_NAME });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]);
      return rows[0]?.n ?? 0;
    } finally {
      await client.end();
    }
  };
  const pg = () => ({
    host: platform.env.POSTGRES_HOST,
    port: Number(platform.env.POSTGRES_PORT),
    user: platform.env.POSTGRES_USER,
    password: platform.env.POSTGRES_PASSWORD,
  });
  const register = async (email = `u-${randomUUID()}@example.com`) => {
    const res = await json('POST', '/v1/auth/register', { email, password: 'correct horse battery', name: 'Ada' });
    expect(res.status).toBe(201);
    return { email, user: (await res.json()) as { id: string; role: string } };
  };
  const login = async (email: string, password = 'correct horse battery') => {
    const res = await json('POST', '/v1/auth/login', { email, password });
    expect(res.status).toBe(200);
    return (await res.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
  };

  beforeAll(async () => {
    platform = await startPlatform('auth', { SESSION_CHECK_CACHE_MS: '0' });
    api = platform.api;
  }, 180_000);
  afterAll(() => platform?.stop());

  it('registers (never answering the hash, normalizing the email), logs in, reads /v1/me, refreshes and logs out', async () => {
    const email = `Grace.${randomUUID()}@Example.COM`;
    const registered = await json('POST', '/v1/auth/register', {
      email: `  ${email} `,
      password: 'correct horse battery',
      name: 'Grace',
    });
    expect(registered.status).toBe(201);
    const user = (await registered.json()) as Record<string, unknown>;
    expect(user).toMatchObject({ email: email.toLowerCase(), role: 'customer', name: 'Grace' });
    expect(JSON.stringify(user)).not.toMatch(/argon2|password/i);
    const again = await json('POST', '/v1/auth/register', {
      email: email.toUpperCase(),
      password: 'another password',
      name: 'G',
    });
    expect(await problem(again)).toMatchObject({ status: 409, code: 'IDENTITY.EMAIL_TAKEN' });

    const tokens = await login(email.toUpperCase());
    expect(tokens.expiresIn).toBe(900);
    const me = await json('GET', '/v1/me', undefined, tokens.accessToken);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, email: email.toLowerCase() });

    const refreshed = await json('POST', '/v1/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(refreshed.status).toBe(200);
    const pair = (await refreshed.json()) as { accessToken: string; refreshToken: string };
    expect(pair.refreshToken).not.toBe(tokens.refreshToken);

    const out = await json('POST', '/v1/auth/logout', { refreshToken: pair.refreshToken }, pair.accessToken);
    expect(out.status).toBe(204);
    expect(await problem(await json('POST', '/v1/auth/refresh', { refreshToken: pair.refreshToken }))).toMatchObject({
      status: 401,
      code: 'IDENTITY.INVALID_REFRESH_TOKEN',
    });
    expect(await problem(await json('GET', '/v1/me', undefined, pair.accessToken))).toMatchObject({
      status: 401,
      code: 'AUTH.UNAUTHENTICATED',
    });
  });

  it('answers an unknown email and a wrong password identically', async () => {
    const { email } = await register();
    const wrong = await problem(await json('POST', '/v1/auth/login', { email, password: 'not the password' }));
    const unknown = await problem(
      await json('POST', '/v1/auth/login', { email: `nobody-${randomUUID()}@example.com`, password: 'x' }),
    );
    const strip = ({ correlationId: _c, ...rest }: Record<string, unknown>) => rest;
    expect(strip(wrong)).toEqual(strip(unknown));
    expect(wrong).toMatchObject({ status: 401, code: 'IDENTITY.INVALID_CREDENTIALS' });
  });

  it('revokes the whole session when a used refresh token comes back', async () => {
    const { email } = await register();
    const first = await login(email);
    const second = (await (await json('POST', '/v1/auth/refresh', { refreshToken: first.refreshToken })).json()) as typeof first;
    const replay = await json('POST', '/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(await problem(replay)).toMatchObject({ status: 401, code: 'IDENTITY.INVALID_REFRESH_TOKEN' });
    expect((await json('POST', '/v1/auth/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
    expect((await json('GET', '/v1/me', undefined, second.accessToken)).status).toBe(401);
  });

  describe('refuses access tokens that are not ours, with 401 AUTH.UNAUTHENTICATED', () => {
    let good: string;
    let claims: Record<string, unknown>;
    const publicPem = () => readFileSync(resolve(REPO_ROOT, platform.env.JWT_PUBLIC_KEY_FILE ?? ''), 'utf8');
    const ourKey = () => {
      const keys = loadSigningKeys({
        privateKeyPem: readFileSync(resolve(REPO_ROOT, platform.env.JWT_PRIVATE_KEY_FILE ?? ''), 'utf8'),
        publicKeyPem: publicPem(),
      });
      return { privateKey: keys.privateKey as KeyObject, publicKey: keys.publicKey };
    };
    const signWith = async (
      key: { privateKey: KeyObject; publicKey: KeyObject },
      options: { ttlSeconds?: number; issuer?: string; audience?: string; now?: () => number } = {},
    ) =>
      (
        await new AccessTokenIssuer(
          { ...key, kid: keyIdOf(key.publicKey) },
          {
            issuer: options.issuer ?? platform.env.JWT_ISSUER,
            audience: options.audience ?? platform.env.JWT_AUDIENCE,
            ttlSeconds: options.ttlSeconds,
            now: options.now,
          },
        ).issue({ userId: claims.sub as string, role: 'admin', sessionId: claims.sid as string })
      ).token;

    beforeAll(async () => {
      const { email } = await register();
      good = (await login(email)).accessToken;
      claims = JSON.parse(Buffer.from(good.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    });

    const hs256WithPublicKey = (): string => {
      const head = b64({ alg: 'HS256', typ: 'at+jwt' });
      const body = b64({ ...claims, role: 'admin' });
      const mac = createHmac('sha256', publicPem()).update(`${head}.${body}`).digest('base64url');
      return `${head}.${body}.${mac}`;
    };
    const cases: Array<[string, () => Promise<string> | string]> = [
      ['alg none', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...claims, role: 'admin' })}.`],
      ['HS256 signed with the public key as secret', hs256WithPublicKey],
      ['signed with another key', () => signWith(generateKeyPairSync('ed25519'))],
      [
        'with a tampered payload',
        () => {
          const [h, , s] = good.split('.');
          return `${h}.${b64({ ...claims, role: 'admin' })}.${s}`;
        },
      ],
      ['garbage', () => 'not.a.token'],
      // signed with the platform's own private key, but off its rules:
      ['expired', () => signWith(ourKey(), { ttlSeconds: 60, now: () => Date.now() - 3_600_000 })],
      ['for another audience', () => signWith(ourKey(), { audience: 'someone-else' })],
      ['from another issuer', () => signWith(ourKey(), { issuer: 'https://evil.example' })],
      [
        'without exp',
        async () => {
          const key = ourKey();
          return new SignJWT({ role: 'admin', sid: claims.sid })
            .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: keyIdOf(key.publicKey) })
            .setSubject(claims.sub as string)
            .setIssuer(platform.env.JWT_ISSUER ?? '')
            .setAudience(platform.env.JWT_AUDIENCE ?? '')
            .setJti(randomUUID())
            .setIssuedAt()
            .sign(key.privateKey);
        },
      ],
    ];
    it.each(cases)('%s', async (_name, make) => {
      const res = await json('GET', '/v1/me', undefined, await make());
      expect(await problem(res)).toMatchObject({
        status: 401,
        code: 'AUTH.UNAUTHENTICATED',
        contentType: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('(the control: a token minted the same way with our rules is accepted)', async () => {
      expect((await json('GET', '/v1/me', undefined, await signWith(ourKey()))).status).toBe(200);
    });

    it('missing, and a valid token of a deleted user', async () => {
      expect((await json('GET', '/v1/me')).status).toBe(401);
      const { email, user } = await register();
      const token = (await login(email)).accessToken;
      expect((await json('GET', '/v1/me', undefined, token)).status).toBe(200);
      const client = new Client({ ...pg(), database: platform.env.IDENTITY_DB_NAME });
      await client.connect();
      await client.query(
        `DELETE FROM refresh_tokens WHERE family_id IN (SELECT id FROM refresh_token_families WHERE user_id = $1)`,
        [user.id],
      );
      await client.query(`DELETE FROM refresh_token_families WHERE user_id = $1`, [user.id]);
      await client.query(`DELETE FROM users WHERE id = $1`, [user.id]);
      await client.end();
      expect(await problem(await json('GET', '/v1/me', undefined, token))).toMatchObject({
        status: 401,
        code: 'AUTH.UNAUTHENTICATED',
      });
    });
  });

  it('keeps admin routes for admins (403 for a customer) and never lets register grant a role', async () => {
    const email = `mallory-${randomUUID()}@example.com`;
    const escalate = await json('POST', '/v1/auth/register', {
      email,
      password: 'correct horse battery',
      name: 'M',
      role: 'admin',
    });
    expect(await problem(escalate)).toMatchObject({
      status: 400,
      code: 'VALIDATION.FAILED',
      errors: [{ field: 'role', message: 'unknown field' }],
    });
    expect(await usersWithEmail(email)).toBe(0);

    const customer = await login((await register()).email);
    const product = { sku: `SEC-${Date.now()}`, name: 'Lock', category: 'tools', price: { amount: 999, currency: 'EUR' } };
    expect(await problem(await json('POST', '/v1/products', product, customer.accessToken))).toMatchObject({
      status: 403,
      code: 'AUTH.FORBIDDEN',
    });
    expect(await problem(await json('POST', '/v1/products', product))).toMatchObject({
      status: 401,
      code: 'AUTH.UNAUTHENTICATED',
    });

    const admin = await login(platform.env.ADMIN_EMAIL ?? '', platform.env.ADMIN_PASSWORD);
    const created = await json(
      'POST',
      '/v1/products',
      { ...product, name: `'; DROP TABLE products; --`, description: '<script>alert(1)</script>' },
      admin.accessToken,
    );
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; version: number; name: string; description: string };
    expect(body).toMatchObject({ name: `'; DROP TABLE products; --`, description: '<script>alert(1)</script>' });
    const stale = await json(
      'PATCH',
      `/v1/products/${body.id}`,
      { productVersion: body.version + 5, name: 'x' },
      admin.accessToken,
    );
    expect(await problem(stale)).toMatchObject({ status: 409, code: 'CATALOG.VERSION_CONFLICT' });
    const renamed = await json(
      'PATCH',
      `/v1/products/${body.id}`,
      { productVersion: body.version, price: { amount: 1099, currency: 'EUR' } },
      admin.accessToken,
    );
    expect(await renamed.json()).toMatchObject({ price: { amount: 1099 }, version: body.version + 1 });
    expect((await json('DELETE', `/v1/products/${body.id}`, undefined, admin.accessToken)).status).toBe(200);
    expect(await (await json('GET', `/v1/products/${body.id}`)).json()).toMatchObject({ active: false });
  });

  it.each([
    ['malformed JSON', '{"email":', 400, 'HTTP.BAD_REQUEST'],
    ['a wrong type', { email: 42, password: 'correct horse battery', name: 'x' }, 400, 'VALIDATION.FAILED'],
    [
      'a 10 kB email',
      { email: `${'a'.repeat(10_000)}@example.com`, password: 'correct horse battery', name: 'x' },
      400,
      'VALIDATION.FAILED',
    ],
    ['a NUL byte', { email: 'nul@example.com', password: 'correct horse battery', name: 'a\u0000b' }, 400, 'VALIDATION.FAILED'],
    [
      'a 2 MB body',
      { email: 'big@example.com', password: 'correct horse battery', name: 'x'.repeat(2_000_000) },
      413,
      'HTTP.PAYLOAD_TOO_LARGE',
    ],
  ] as const)('refuses %s on register with problem+json and writes nothing', async (_name, body, status, code) => {
    expect(await problem(await json('POST', '/v1/auth/register', body))).toMatchObject({
      status,
      code,
      contentType: expect.stringMatching(/^application\/problem\+json/),
    });
    if (typeof body === 'object') expect(await usersWithEmail(body.email as string)).toBe(0);
  });

  it('serves the JWKS the tokens verify with, and answers with security headers', async () => {
    const res = await fetch(`${api}/.well-known/jwks.json`);
    const jwks = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })]);
    const header = JSON.parse(
      Buffer.from((await login((await register()).email)).accessToken.split('.')[0] ?? '', 'base64url').toString(),
    ) as { kid: string };
    expect(jwks.keys[0]?.kid).toBe(header.kid);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('login rate limit through the gateway (real processes)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform('ratelimit', { RATE_LIMIT_LOGIN_LIMIT: '3' });
  }, 180_000);
  afterAll(() => platform?.stop());

  it('answers 429 with Retry-After to one IP hammering login, whatever X-Forwarded-For it sends', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i += 1) {
      last = await fetch(`${platform.api}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}` },
        body: JSON.stringify({ email: 'victim@example.com', password: `guess-${i}` }),
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.headers.get('ratelimit-limit')).toBe('3');
    expect(((await last?.json()) as { code: string }).code).toBe('RATE_LIMIT.EXCEEDED');
  });
});
