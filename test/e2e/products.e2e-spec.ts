import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Product, ProductPage } from '@shopmesh/contracts';
import { REPO_ROOT, waitUntil } from '@shopmesh/testing';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { startPlatform, type Platform } from './platform';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  correlationId: string;
  errors?: Array<{ field: string; message: string }>;
}

const get = async <T>(url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
};

describe('products through the gateway (real processes, Postgres, Redis, Kafka)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform('e2e_products');
  });
  afterAll(() => platform?.stop());

  it('lists the seeded products page by page, each exactly once', async () => {
    const skus: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=10&cursor=${encodeURIComponent(cursor)}` : '?limit=10';
      const { status, body } = await get<ProductPage>(`${platform.api}/v1/products${query}`);
      expect(status).toBe(200);
      skus.push(...body.items.map((p) => p.sku));
      cursor = body.nextCursor;
    } while (cursor);
    expect(skus).toEqual([...DEMO_PRODUCTS].reverse().map((p) => p.sku));
  });

  it('uses 20 as the default page size', async () => {
    const { body } = await get<ProductPage>(`${platform.api}/v1/products`);
    expect(body.items).toHaveLength(20);
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  it('answers one product with money in integer minor units', async () => {
    const demo = DEMO_PRODUCTS[0];
    const { status, body } = await get<Product>(`${platform.api}/v1/products/${demo?.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: demo?.id, sku: demo?.sku, price: { amount: demo?.priceAmount, currency: 'EUR' } });
  });

  it.each([
    ['an unknown product', '/v1/products/00000000-0000-4000-8000-999999999999', 404, 'CATALOG.PRODUCT_NOT_FOUND', undefined],
    ['a malformed id', '/v1/products/not-a-uuid', 400, 'VALIDATION.FAILED', 'id'],
    ['a limit above 100', '/v1/products?limit=101', 400, 'VALIDATION.FAILED', 'limit'],
    ['a non-numeric limit', '/v1/products?limit=ten', 400, 'VALIDATION.FAILED', 'limit'],
    ['an unknown query parameter', '/v1/products?colour=red', 400, 'VALIDATION.FAILED', 'colour'],
    ['a forged cursor', '/v1/products?cursor=abc', 400, 'VALIDATION.FAILED', 'cursor'],
    ['an unknown route', '/v1/nothing-here', 404, 'HTTP.NOT_FOUND', undefined],
  ])('answers %s with problem+json and a stable code', async (_name, path, status, code, field) => {
    const res = await fetch(`${platform.api}${path}`);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as Problem;
    expect(body).toMatchObject({ status, code, correlationId: res.headers.get('x-correlation-id') });
    expect(body.type).toMatch(/^https:\/\//);
    if (field) expect(body.errors?.map((e) => e.field)).toContain(field);
    expect(JSON.stringify(body)).not.toMatch(/stack|at \/|\.ts:|127\.0\.0\.1/);
  });

  it('carries the correlation id from the request into catalog’s log lines', async () => {
    const correlationId = `e2e-${randomUUID()}`;
    const res = await get<Product>(`${platform.api}/v1/products/${DEMO_PRODUCTS[1]?.id}`, { 'x-correlation-id': correlationId });
    expect(res.headers.get('x-correlation-id')).toBe(correlationId);
    const served = await waitUntil('catalog logs the request', () =>
      platform.catalog.logLines().find((l) => l.correlationId === correlationId),
    );
    expect(served).toMatchObject({ service: 'catalog', rpc: expect.objectContaining({ pattern: 'catalog.products.get' }) });
    await waitUntil('gateway logs the request', () =>
      platform.gateway.logLines().some((l) => l.correlationId === correlationId && l.msg === 'request completed'),
    );
  });

  it('generates a correlation id when the caller sends none or a malformed one', async () => {
    const res = await fetch(`${platform.api}/v1/products?limit=1`, { headers: { 'x-correlation-id': 'bad id with spaces' } });
    expect(res.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('publishes an OpenAPI document and Swagger UI', async () => {
    const { status, body } = await get<{ openapi: string; paths: Record<string, unknown> }>(`${platform.api}/docs-json`);
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/products', '/v1/products/{id}']));
    // the operators' endpoints are not part of the API
    expect(Object.keys(body.paths).filter((p) => /^\/(health|metrics)/.test(p))).toEqual([]);
    const file = resolve(tmpdir(), `shopmesh-openapi-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(body));
    const lint = spawnSync(resolve(REPO_ROOT, 'node_modules/.bin/redocly'), ['lint', file, '--format', 'stylish'], {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    rmSync(file, { force: true });
    expect({ status: lint.status, output: lint.status === 0 ? '' : `${lint.stdout}${lint.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
    const ui = await fetch(`${platform.api}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it.each(['gateway', 'catalog'] as const)('%s serves /health/live, /health/ready and /metrics', async (app) => {
    const url = platform[app].url;
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await waitUntil(`${app} is ready`, async () => {
      const res = await fetch(`${url}/health/ready`);
      return res.status === 200 && ((await res.json()) as { details: Record<string, unknown> });
    });
    expect(Object.keys(ready.details)).toEqual(
      app === 'gateway'
        ? ['redis', 'settings', 'identity', 'catalog', 'cart', 'inventory', 'orders']
        : ['postgres', 'redis', 'kafka'],
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(metrics).toContain(app === 'gateway' ? 'rpc_client_duration_seconds' : 'rpc_server_duration_seconds');
    if (app === 'gateway')
      expect(metrics).toMatch(/http_server_request_duration_seconds_count\{.*route="\/v1\/products\/:id".*\}/);
  });
});
