import { waitUntil } from '@shopmesh/testing';
import { startPlatform, type Platform } from './platform';

describe('gateway when catalog stops (real processes)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform('e2e_down');
  });
  afterAll(() => platform?.stop());

  it('drains catalog on SIGTERM: unready first, still serving, then exits cleanly within 30 s', async () => {
    await waitUntil('catalog ready', async () => (await fetch(`${platform.catalog.url}/health/ready`)).status === 200);
    const started = Date.now();
    platform.catalog.signalTerm();
    await waitUntil('catalog turns unready', async () => (await fetch(`${platform.catalog.url}/health/ready`)).status === 503, {
      timeoutMs: 2000,
      intervalMs: 20,
    });
    // during the drain window requests are still served
    const during = await fetch(`${platform.api}/v1/products?limit=1`);
    expect(during.status).toBe(200);
    await expect(platform.catalog.exited()).resolves.toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('answers 503 with a code, within its deadline, never hangs', async () => {
    const started = Date.now();
    const res = await fetch(`${platform.api}/v1/products?limit=1`);
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { code: string; detail: string };
    expect(['UPSTREAM.UNAVAILABLE', 'UPSTREAM.TIMEOUT']).toContain(body.code);
    expect(body.detail).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect(elapsed).toBeLessThan(1500 + 1000);
  });

  it('reports catalog down on its own readiness, naming it', async () => {
    const res = await fetch(`${platform.gateway.url}/health/ready`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { details: Record<string, { status: string }> };
    expect(body.details.catalog?.status).toBe('down');
  });

  it('recovers once catalog is back', async () => {
    await platform.catalog.start();
    await waitUntil(
      'gateway serves products again',
      async () => (await fetch(`${platform.api}/v1/products?limit=1`)).status === 200,
      { timeoutMs: 10_000 },
    );
    await waitUntil('gateway is ready again', async () => (await fetch(`${platform.gateway.url}/health/ready`)).status === 200, {
      timeoutMs: 10_000,
    });
  });
});
