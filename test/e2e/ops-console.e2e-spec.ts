import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { REPO_ROOT, pgConnectionOf, waitUntil } from '@shopmesh/testing';
import { Client } from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CheckoutClient } from './checkout-client';
import { startPlatform, type Platform } from './platform';
import { PrivateKafka } from './private-kafka';

/** Debian's chromium: CI installs it (.ci/run); without it this suite fails, it never skips. */
const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT = resolve(REPO_ROOT, '.run/screenshots/ops-console.png');

/**
 * The ops console end to end: every app a real process (on a Kafka broker of the suite's own: the
 * services' consumer groups are fixed names), the page built by Vite and served by the gateway,
 * driven in real headless Chromium. Payments is killed (the fault): a saga waits for its payment,
 * the page shows it stuck, the admin retries and then compensates it from the page; once payments
 * is back the compensation completes and the order is CANCELLED (CANCELLED_BY_OPERATOR), each
 * action audited with the admin's email. A customer is refused.
 */
describe('ops console (real Chromium, real processes, private Kafka)', () => {
  let kafka: PrivateKafka;
  let platform: Platform;
  let client: CheckoutClient;
  let admin: string;
  let customer: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
    kafka = await PrivateKafka.create();
    const [, launched] = await Promise.all([
      kafka.start(),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }),
    ]);
    browser = launched;
    // a step waits far longer than the test: only the operator ends the stuck saga
    platform = await startPlatform('ops_console', {
      KAFKA_BROKERS: kafka.brokers,
      ORDER_STEP_TIMEOUT_MS: '300000',
      ORDER_COMPENSATION_RETRY_MS: '3000',
      RPC_TIMEOUT_MS: '5000', // a login hashes with argon2: on a busy machine it takes more than 1.5 s
    });
    client = new CheckoutClient(platform);
    [admin, customer] = await Promise.all([client.admin(), client.customer()]);
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await kafka?.destroy();
  });

  const ops = (path: string, token?: string, method = 'GET') => client.call(method, `/v1/admin/ops${path}`, token);

  it('refuses the admin API without a token (401), to a customer (403) and bad input (400, problem+json)', async () => {
    const anonymous = await ops('/sagas');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    for (const path of ['/overview', '/sagas', '/audit', '/dead-letters']) {
      const res = await ops(path, customer);
      expect({ path, status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({
        path,
        status: 403,
        code: 'AUTH.FORBIDDEN',
      });
    }
    expect((await ops('/sagas/00000000-0000-4000-8000-000000000000/compensate', customer, 'POST')).status).toBe(403);
    const bad = [
      ['GET', '/sagas?stuckAfterMs=soon'],
      ['GET', '/sagas?stuckAfterMs=5000&extra=1'],
      ['POST', '/sagas/not-a-uuid/compensate'],
      ['GET', '/orders/not-a-uuid/timeline'],
      ['POST', '/dead-letters/no.such.topic/redrive'],
    ];
    for (const [method, path] of bad) {
      const res = await ops(path ?? '', admin, method);
      expect({ path, status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({
        path,
        status: 400,
        code: 'VALIDATION.FAILED',
      });
    }
    const unknown = await ops('/sagas/00000000-0000-4000-8000-000000000000/retry', admin, 'POST');
    expect(unknown.status).toBe(404);
    const openapi = (await (await fetch(`${platform.api}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/admin/ops/overview', '/v1/admin/ops/sagas/{id}/compensate', '/v1/admin/ops/audit']),
    );
  });

  it('shows a customer that the console is admin only', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(`${platform.api}/ops/`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      const email = `buyer-${Date.now()}@example.com`;
      expect(
        (await client.call('POST', '/v1/auth/register', undefined, { email, password: 'correct horse battery', name: 'B' }))
          .status,
      ).toBe(201);
      await logIn(page, email, 'correct horse battery');
      await page.locator('#forbidden').waitFor({ state: 'visible', timeout: 10_000 });
      expect(await page.locator('#console').isHidden()).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('shows a stuck saga live, retries and compensates it from the page, and the order ends CANCELLED, audited', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await page.goto(`${platform.api}/ops/`);
      await logIn(page, platform.env.ADMIN_EMAIL ?? '', platform.env.ADMIN_PASSWORD ?? '');
      await page.locator('#console').waitFor({ state: 'visible', timeout: 10_000 });
      // every service is there, each instance ready, dependencies named
      const services = ['catalog', 'cart', 'identity', 'inventory', 'orders', 'payments'];
      await waitUntil(
        'the page shows every service ready',
        async () => (await page.locator('#services tr[data-ready="true"]').count()) === services.length,
        { timeoutMs: 30_000, intervalMs: 500 },
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}; the page shows:\n${await page.locator('#services').innerText()}`);
      });
      for (const service of services) expect(await page.locator(`tr[data-service="${service}"]`).count()).toBe(1);
      expect(await page.locator('tr[data-service="orders"]').innerText()).toMatch(/postgres: up/);
      await page.fill('#stuck-after', '2');

      // the fault: payments dies; an order waits for its payment (STOCK_RESERVED) and gets stuck
      const product = await client.product(admin, 5);
      await platform.payments.kill();
      const orderId = await client.placed(customer, product.id, 1, 'tok_visa');
      await client.reaches(customer, orderId, 'STOCK_RESERVED');
      const row = page.locator(`#sagas tr[data-order-id="${orderId}"][data-stuck="true"]`);
      await row.waitFor({ timeout: 15_000 }); // no reload: the page updates itself
      expect(await row.innerText()).toContain('STOCK_RESERVED');
      await page.locator('tr[data-service="payments"][data-ready="false"]').waitFor({ timeout: 15_000 });

      await row.locator('button[data-action="retry"]').click();
      await page.locator('#audit tr[data-action="saga.retry"]').waitFor({ timeout: 10_000 });
      await row.locator('button[data-action="compensate"]').click();
      await page.locator('#timeline-status').waitFor({ timeout: 10_000 });
      await waitUntil('the saga compensates', async () => (await client.order(customer, orderId)).step === 'COMPENSATING', {
        timeoutMs: 10_000,
      });

      // payments is back: it answers what it missed, the refund completes the compensation
      await platform.payments.start(90_000);
      await waitUntil(
        'the page shows the order CANCELLED',
        async () => (await page.locator('#timeline-status').innerText()) === 'CANCELLED',
        {
          timeoutMs: 60_000,
          intervalMs: 250,
        },
      );
      const order = await client.finalOrder(customer, orderId);
      expect({ status: order.status, reason: order.cancellationReason }).toEqual({
        status: 'CANCELLED',
        reason: 'CANCELLED_BY_OPERATOR',
      });
      await row.waitFor({ state: 'detached', timeout: 10_000 }); // no longer in flight
      const audit = page.locator('#audit tr[data-action="saga.compensate"]');
      expect(await audit.innerText()).toContain(platform.env.ADMIN_EMAIL);
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // the audit is durable, in orders' database: who, what, the outcome
      const db = new Client({ ...pgConnectionOf(platform.env), database: platform.databases.orders });
      await db.connect();
      try {
        const { rows } = await db.query<{ action: string; actor_email: string; outcome: string }>(
          `SELECT action, actor_email, outcome FROM ops_audit WHERE target = $1 ORDER BY id`,
          [`order ${orderId}`],
        );
        expect(rows).toEqual([
          { action: 'saga.retry', actor_email: platform.env.ADMIN_EMAIL, outcome: 'applied' },
          { action: 'saga.compensate', actor_email: platform.env.ADMIN_EMAIL, outcome: 'applied' },
        ]);
      } finally {
        await db.end();
      }
      expect(await client.violations()).toEqual([]);
      expect(errors.filter((e) => !/403|401/.test(e))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.fill('#login-form input[name="email"]', email);
  await page.fill('#login-form input[name="password"]', password);
  await page.click('#login-form button[type="submit"]');
}
