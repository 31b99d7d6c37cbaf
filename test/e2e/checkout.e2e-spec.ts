import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { AppProcess, freePort, readSse, waitUntil } from '@shopmesh/testing';
import { checkMetrics } from '../../tools/prometheus/promtool';
import { ADDRESS, CheckoutClient, type OrderBody } from './checkout-client';
import { startPlatform, type Platform } from './platform';
import { seedInventory } from '../../apps/inventory/src/seed/seed';
import { auditConnectionOf } from '../../tools/invariants/audit-invariants';
import { concludeLoad, runLoad } from '../../tools/load';
import { PrivateZipkin } from '../../tools/infra/private-zipkin';
import { ancestryOf, serviceOf, spanList, traceWhen, type ZipkinSpan } from './zipkin-traces';

type Problem = { code: string; errors?: Array<{ field: string }> };
type Accepted = { orderId: string; status: string };

const stepsOf = (order: OrderBody) => order.statusHistory.map((h) => h.step);

/** The checkout saga through the gateway, every app a real process: PRODUCT.md §2 and §4. */
describe('checkout through the gateway (real processes)', () => {
  let platform: Platform;
  let client: CheckoutClient;
  let admin: string;
  let zipkin: PrivateZipkin;

  beforeAll(async () => {
    // every app traced into a Zipkin of the suite's own (its jar from the Maven cache)
    zipkin = await PrivateZipkin.create();
    const zipkinUp = zipkin.start();
    // generous step deadlines: a busy machine must not turn these outcomes into TIMEOUT (that has its own platform below)
    platform = await startPlatform('checkout', {
      ORDER_STEP_TIMEOUT_MS: '30000',
      RPC_TIMEOUT_MS: '5000',
      TRACING_EXPORTER: 'zipkin',
      ZIPKIN_URL: zipkin.url,
      TRACING_SAMPLE_RATIO: '1',
    });
    client = new CheckoutClient(platform);
    admin = await client.admin();
    await zipkinUp;
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
    await zipkin?.destroy();
  });
  afterEach(async () => {
    if (client) expect(await client.violations()).toEqual([]);
  });

  it('confirms a paid order, streaming each step as an event that resumes from Last-Event-ID on any gateway', async () => {
    const buyer = await client.customer();
    const product = await client.product(admin, 10, 1250);
    const orderId = await client.placed(buyer, product.id, 2, 'tok_visa');
    const stream = await readSse(`${client.api}/v1/orders/${orderId}/events`, { token: buyer });
    expect({ status: stream.status, contentType: stream.contentType, ended: stream.ended }).toEqual({
      status: 200,
      contentType: 'text/event-stream; charset=utf-8',
      ended: true,
    });
    const entries = stream.events.map((e) => ({
      id: e.id,
      event: e.event,
      entry: JSON.parse(e.data) as OrderBody['statusHistory'][0],
    }));
    expect(entries.map((e) => [e.id, e.event, e.entry.status, e.entry.step])).toEqual([
      ['1', 'status', 'PENDING', 'PENDING'],
      ['2', 'status', 'PENDING', 'STOCK_RESERVED'],
      ['3', 'status', 'PENDING', 'PAYMENT_AUTHORIZED'],
      ['4', 'status', 'CONFIRMED', 'CONFIRMED'],
    ]);
    const order = await client.order(buyer, orderId);
    expect(order).toMatchObject({
      id: orderId,
      status: 'CONFIRMED',
      step: 'CONFIRMED',
      items: [{ productId: product.id, sku: product.sku, quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' } }],
      total: { amount: 2500, currency: 'EUR' },
      shippingAddress: ADDRESS,
    });
    expect(order.statusHistory).toEqual(entries.map((e) => e.entry));
    expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 8, reserved: 0, available: 8 });

    // resume after the second event: only what followed, then the end; on another gateway instance too
    const resumed = await readSse(`${client.api}/v1/orders/${orderId}/events`, { token: buyer, lastEventId: '2' });
    expect(resumed.events.map((e) => e.id)).toEqual(['3', '4']);
    const port = await freePort();
    const other = await new AppProcess('gateway', { ...platform.env, GATEWAY_PORT: String(port) }, port).start();
    try {
      const elsewhere = await readSse(`${other.url}/v1/orders/${orderId}/events`, { token: buyer, lastEventId: '3' });
      expect({ ended: elsewhere.ended, ids: elsewhere.events.map((e) => e.id) }).toEqual({ ended: true, ids: ['4'] });
    } finally {
      await other.stop();
    }
    const page = await client.json<{ items: Array<{ id: string }> }>(client.call('GET', '/v1/orders?status=CONFIRMED', buyer));
    expect(page.body.items.map((o) => o.id)).toEqual([orderId]);
  });

  it('traces a checkout in Zipkin: one trace from the gateway through orders, inventory and payments, parent-linked across Kafka', async () => {
    const buyer = await client.customer();
    const product = await client.product(admin, 5, 990);
    const orderId = await client.placed(buyer, product.id, 1, 'tok_visa');
    const order = await client.finalOrder(buyer, orderId);
    expect({ status: order.status, reason: order.cancellationReason }).toEqual({ status: 'CONFIRMED', reason: undefined });
    expect(order.traceId).toMatch(/^[0-9a-f]{32}$/);
    const traceId = order.traceId as string;

    const consumerOf = (spans: ZipkinSpan[], service: string, topic: string) =>
      spans.find((s) => serviceOf(s) === service && s.kind === 'CONSUMER' && s.name === `process ${topic}`);
    // every hop's consumer span, and each span's parent (services export in batches, each on its own)
    const spans = await traceWhen(
      zipkin.url,
      traceId,
      (found) =>
        found.every((s) => !s.parentId || found.some((p) => p.id === s.parentId)) &&
        ['inventory.commands', 'inventory.events', 'payments.commands', 'payments.events'].every((topic) =>
          consumerOf(found, topic.endsWith('.commands') ? topic.split('.')[0] : 'orders', topic),
        ),
    );
    process.stdout.write(`checkout trace ${traceId}:\n${spanList(spans)}\n`);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    for (const service of ['gateway', 'orders', 'inventory', 'payments']) expect(spans.map(serviceOf)).toContain(service);

    // one tree: the gateway's HTTP server span is the root, every other span descends from it
    const [root, ...others] = spans.filter((s) => !s.parentId);
    expect(others).toEqual([]);
    expect({
      service: serviceOf(root),
      kind: root.kind,
      method: root.tags?.['http.method'] ?? root.tags?.['http.request.method'],
    }).toEqual({
      service: 'gateway',
      kind: 'SERVER',
      method: 'POST',
    });
    for (const span of spans) expect(ancestryOf(spans, span).at(-1)).toBe(root);

    // each Kafka hop: the consumer's span is a child of the producer's send span, in the service that wrote the message
    const hops = [
      ['orders', 'inventory', 'inventory.commands'],
      ['inventory', 'orders', 'inventory.events'],
      ['orders', 'payments', 'payments.commands'],
      ['payments', 'orders', 'payments.events'],
    ] as const;
    for (const [producer, consumer, topic] of hops) {
      const processed = consumerOf(spans, consumer, topic)!;
      const parent = spans.find((s) => s.id === processed.parentId);
      expect({ topic, service: parent && serviceOf(parent), kind: parent?.kind, name: parent?.name }).toEqual({
        topic,
        service: producer,
        kind: 'PRODUCER',
        name: `send ${topic}`,
      });
    }
    // the consumer's database writes are children of its span
    const reserve = consumerOf(spans, 'inventory', 'inventory.commands')!;
    const writes = spans.filter(
      (s) =>
        serviceOf(s) === 'inventory' && s.tags?.['db.system.name'] === 'postgresql' && ancestryOf(spans, s).includes(reserve),
    );
    expect(writes.length).toBeGreaterThan(0);
  });

  it('marks a failed call with its error code, from the gateway to the service that refused it', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const traceparent = `00-${traceId}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`;
    const res = await client.call('GET', `/v1/products/${randomUUID()}`, undefined, undefined, { traceparent });
    expect({ status: res.status, code: ((await res.json()) as Problem).code }).toEqual({
      status: 404,
      code: 'CATALOG.PRODUCT_NOT_FOUND',
    });
    const spans = await traceWhen(zipkin.url, traceId, (found) => found.some((s) => serviceOf(s) === 'catalog'));
    const tagged = spans
      .filter((s) => s.tags?.['shopmesh.error.code'] === 'CATALOG.PRODUCT_NOT_FOUND')
      .map((s) => `${serviceOf(s)} ${s.kind}`)
      .sort();
    expect(tagged).toEqual(['catalog SERVER', 'gateway CLIENT', 'gateway SERVER']);
    const server = spans.find((s) => serviceOf(s) === 'catalog' && s.kind === 'SERVER')!;
    expect(server.tags).toMatchObject({ error: expect.any(String), 'rpc.system': 'nestjs-tcp' });
  });

  it('streams a running order live: events arrive as the saga moves, the stream ends at CONFIRMED', async () => {
    const buyer = await client.customer();
    const product = await client.product(admin, 3);
    const body = client.orderBody(product.id, 1, 'tok_flaky'); // slower: the provider fails twice first
    const placed = await client.json<Accepted>(client.place(buyer, body));
    const stream = await readSse(`${client.api}/v1/orders/${placed.body.orderId}/events`, { token: buyer });
    expect(stream.ended).toBe(true);
    expect(stream.events.map((e) => (JSON.parse(e.data) as { step: string }).step).at(-1)).toBe('CONFIRMED');
    const effects = await client.effectsOf(placed.body.orderId);
    // tok_flaky fails twice, then approves: charged once
    expect(effects.providerCharges.filter((c) => c.status === 'APPROVED')).toHaveLength(1);
    expect(effects.ledger.map((l) => [l.kind, l.amount])).toEqual([['CAPTURE', 1250]]);
  });

  it('checks out the cart: an order of its lines at catalog prices, and an empty cart', async () => {
    const buyer = await client.customer();
    const product = await client.product(admin, 5, 990);
    expect((await client.call('PUT', `/v1/cart/items/${product.id}`, buyer, { quantity: 3 })).status).toBe(200);
    const key = randomUUID();
    const checkout = () =>
      client.json<Accepted>(
        client.call(
          'POST',
          '/v1/cart/checkout',
          buyer,
          { paymentToken: 'tok_visa', shippingAddress: ADDRESS },
          { 'idempotency-key': key },
        ),
      );
    const first = await checkout();
    expect(first).toEqual({ status: 202, body: { orderId: expect.any(String) as string, status: 'PENDING' } });
    expect(await checkout()).toEqual(first); // a replay answers the same, although the cart is empty now
    const order = await client.finalOrder(buyer, first.body.orderId);
    expect(order).toMatchObject({
      status: 'CONFIRMED',
      items: [{ productId: product.id, quantity: 3 }],
      total: { amount: 2970, currency: 'EUR' },
    });
    expect((await client.json<{ items: unknown[] }>(client.call('GET', '/v1/cart', buyer))).body.items).toEqual([]);
    const empty = await client.json<Problem>(
      client.call(
        'POST',
        '/v1/cart/checkout',
        buyer,
        { paymentToken: 'tok_visa', shippingAddress: ADDRESS },
        { 'idempotency-key': randomUUID() },
      ),
    );
    expect({ status: empty.status, code: empty.body.code }).toEqual({ status: 409, code: 'CART.EMPTY' });
  });

  it('cancels a declined payment (PAYMENT_DECLINED) and releases its stock', async () => {
    const buyer = await client.customer();
    const product = await client.product(admin, 4);
    const order = await client.finalOrder(buyer, await client.placed(buyer, product.id, 3, 'tok_decline'));
    expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_DECLINED' });
    expect(stepsOf(order)).toEqual(['PENDING', 'STOCK_RESERVED', 'COMPENSATING', 'CANCELLED']);
    expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    expect((await client.effectsOf(order.id)).ledger).toEqual([]);
  });

  it('cancels an order for more than is in stock (OUT_OF_STOCK), holding nothing', async () => {
    const buyer = await client.customer();
    const product = await client.product(admin, 1);
    const order = await client.finalOrder(buyer, await client.placed(buyer, product.id, 2, 'tok_visa'));
    expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK' });
    expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 1, reserved: 0 });
    expect((await client.effectsOf(order.id)).ledger).toEqual([]);
  });

  it('cancels before confirmation (stock released, nothing charged) and after it (refunded, stock back)', async () => {
    const buyer = await client.customer();
    const product = await client.product(admin, 6);
    // tok_timeout keeps the saga waiting for the payment: cancel it there
    const waiting = await client.placed(buyer, product.id, 2, 'tok_timeout');
    await client.reaches(buyer, waiting, 'STOCK_RESERVED');
    const cancel = await client.json<Accepted>(client.call('POST', `/v1/orders/${waiting}/cancel`, buyer));
    expect(cancel).toEqual({ status: 202, body: { orderId: waiting, status: expect.any(String) as string } });
    const early = await client.finalOrder(buyer, waiting);
    expect(early).toMatchObject({ status: 'CANCELLED', cancellationReason: 'CANCELLED_BY_USER' });

    const paid = await client.finalOrder(buyer, await client.placed(buyer, product.id, 1, 'tok_visa'));
    expect(paid.status).toBe('CONFIRMED');
    expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 5, reserved: 0 });
    expect((await client.call('POST', `/v1/orders/${paid.id}/cancel`, buyer)).status).toBe(202);
    const late = await waitUntil('the confirmed order is cancelled', async () => {
      const o = await client.finalOrder(buyer, paid.id);
      return o.status === 'CANCELLED' && o;
    });
    expect(late.cancellationReason).toBe('CANCELLED_BY_USER');
    expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 6, reserved: 0 });
    expect((await client.effectsOf(paid.id)).ledger.map((l) => [l.kind, l.amount])).toEqual([
      ['CAPTURE', 1250],
      ['REFUND', 1250],
    ]);
    // cancelling again changes nothing and keeps the first reason
    expect((await client.call('POST', `/v1/orders/${paid.id}/cancel`, buyer)).status).toBe(202);
    expect(await client.order(buyer, paid.id)).toMatchObject({ status: 'CANCELLED', cancellationReason: 'CANCELLED_BY_USER' });
  });

  it('sells 5 units exactly once among 100 concurrent orders by 20 users: 5 CONFIRMED, 95 OUT_OF_STOCK', async () => {
    const product = await client.product(admin, 5);
    const buyers = await Promise.all(Array.from({ length: 20 }, () => client.customer()));
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        client.json<Accepted>(client.place(buyers[i % 20] ?? '', client.orderBody(product.id, 1, 'tok_visa'))),
      ),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(100);
    const owners = new Map(answers.map((a, i) => [a.body.orderId, buyers[i % 20] ?? '']));
    expect(owners.size).toBe(100);
    const finals = await Promise.all([...owners].map(([id, token]) => client.finalOrder(token, id, 120_000, 1000)));
    const outcome = (o: OrderBody) => `${o.status}${o.cancellationReason ? ` ${o.cancellationReason}` : ''}`;
    const counts = finals.reduce<Record<string, number>>((acc, o) => ({ ...acc, [outcome(o)]: (acc[outcome(o)] ?? 0) + 1 }), {});
    expect(counts).toEqual({ CONFIRMED: 5, 'CANCELLED OUT_OF_STOCK': 95 });
    expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 0, reserved: 0, available: 0 });
  });

  describe('Idempotency-Key', () => {
    it('answers a sequential retry with the first answer and places one order', async () => {
      const buyer = await client.customer();
      const product = await client.product(admin, 5);
      const key = randomUUID();
      const body = client.orderBody(product.id, 1, 'tok_visa');
      const first = await client.json<Accepted>(client.place(buyer, body, key));
      expect(first).toEqual({ status: 202, body: { orderId: expect.any(String) as string, status: 'PENDING' } });
      await client.finalOrder(buyer, first.body.orderId);
      expect(await client.json<Accepted>(client.place(buyer, body, key))).toEqual(first);
      const mine = await client.json<{ items: Array<{ id: string }> }>(client.call('GET', '/v1/orders', buyer));
      expect(mine.body.items.map((o) => o.id)).toEqual([first.body.orderId]);
    });

    it('places one order for concurrent duplicates (the others replay it or are told it is in progress)', async () => {
      const buyer = await client.customer();
      const product = await client.product(admin, 5);
      const key = randomUUID();
      const body = client.orderBody(product.id, 1, 'tok_visa');
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => client.json<Accepted & Problem>(client.place(buyer, body, key))),
      );
      const accepted = answers.filter((a) => a.status === 202);
      expect(accepted.length).toBeGreaterThanOrEqual(1);
      expect(new Set(accepted.map((a) => a.body.orderId)).size).toBe(1);
      for (const a of answers.filter((x) => x.status !== 202)) {
        expect({ status: a.status, code: a.body.code }).toEqual({ status: 409, code: 'IDEMPOTENCY.IN_PROGRESS' });
      }
      const orderId = accepted[0]?.body.orderId ?? '';
      await client.finalOrder(buyer, orderId);
      const mine = await client.json<{ items: Array<{ id: string }> }>(client.call('GET', '/v1/orders', buyer));
      expect(mine.body.items.map((o) => o.id)).toEqual([orderId]);
      expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 4, reserved: 0 });
    });

    it('refuses the same key with another body (422), and keeps keys apart per user', async () => {
      const [alice, bob] = [await client.customer(), await client.customer()];
      const product = await client.product(admin, 5);
      const key = randomUUID();
      const first = await client.json<Accepted>(client.place(alice, client.orderBody(product.id, 1, 'tok_visa'), key));
      expect(first.status).toBe(202);
      const reused = await client.json<Problem>(client.place(alice, client.orderBody(product.id, 2, 'tok_visa'), key));
      expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY.KEY_REUSED' });
      const bobs = await client.json<Accepted>(client.place(bob, client.orderBody(product.id, 1, 'tok_visa'), key));
      expect(bobs.status).toBe(202);
      expect(bobs.body.orderId).not.toBe(first.body.orderId);
      await Promise.all([client.finalOrder(alice, first.body.orderId), client.finalOrder(bob, bobs.body.orderId)]);
    });
  });

  describe('refusals', () => {
    let buyer: string;
    let product: { id: string; sku: string };
    beforeAll(async () => {
      buyer = await client.customer();
      product = await client.product(admin, 5);
    });

    it('refuses an order without an Idempotency-Key (400 IDEMPOTENCY.KEY_REQUIRED) or with a malformed one (400 naming it)', async () => {
      const body = client.orderBody(product.id, 1, 'tok_visa');
      const missing = await client.json<Problem>(client.place(buyer, body, null));
      expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 400, code: 'IDEMPOTENCY.KEY_REQUIRED' });
      const cart = await client.json<Problem>(
        client.call('POST', '/v1/cart/checkout', buyer, { paymentToken: 'tok_visa', shippingAddress: ADDRESS }),
      );
      expect({ status: cart.status, code: cart.body.code }).toEqual({ status: 400, code: 'IDEMPOTENCY.KEY_REQUIRED' });
      const malformed = await client.json<Problem>(client.place(buyer, body, 'has spaces in it'));
      expect(malformed).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION.FAILED', errors: [{ field: 'Idempotency-Key' }] },
      });
      const tooLong = await client.json<Problem>(client.place(buyer, body, 'k'.repeat(256)));
      expect({ status: tooLong.status, code: tooLong.body.code }).toEqual({ status: 400, code: 'VALIDATION.FAILED' });
    });

    it.each([
      [
        'a unit price from the client',
        (id: string) => ({
          items: [{ productId: id, quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }],
          paymentToken: 'tok_visa',
          shippingAddress: ADDRESS,
        }),
      ],
      [
        'a price from the client',
        (id: string) => ({
          items: [{ productId: id, quantity: 1 }],
          price: 1,
          paymentToken: 'tok_visa',
          shippingAddress: ADDRESS,
        }),
      ],
      [
        'an address without a name',
        (id: string) => ({
          items: [{ productId: id, quantity: 1 }],
          paymentToken: 'tok_visa',
          shippingAddress: { ...ADDRESS, name: undefined },
        }),
      ],
      [
        'a country that is not ISO 3166-1 alpha-2',
        (id: string) => ({
          items: [{ productId: id, quantity: 1 }],
          paymentToken: 'tok_visa',
          shippingAddress: { ...ADDRESS, country: 'Germany' },
        }),
      ],
      [
        'an unknown address field',
        (id: string) => ({
          items: [{ productId: id, quantity: 1 }],
          paymentToken: 'tok_visa',
          shippingAddress: { ...ADDRESS, floor: 3 },
        }),
      ],
      [
        'a zero quantity',
        (id: string) => ({ items: [{ productId: id, quantity: 0 }], paymentToken: 'tok_visa', shippingAddress: ADDRESS }),
      ],
      ['no items', () => ({ items: [], paymentToken: 'tok_visa', shippingAddress: ADDRESS })],
    ])('refuses %s with 400 VALIDATION.FAILED and places nothing', async (_name, bodyOf) => {
      const res = await client.json<Problem>(client.place(buyer, bodyOf(product.id)));
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION.FAILED' });
      expect((await client.json<{ items: unknown[] }>(client.call('GET', '/v1/orders', buyer))).body.items).toEqual([]);
    });

    it("answers 404 for another user's order and an unknown one: read, cancel and event stream (before any stream)", async () => {
      const owner = await client.customer();
      const orderId = await client.placed(owner, product.id, 1, 'tok_visa');
      for (const id of [orderId, randomUUID()]) {
        const read = await client.json<Problem>(client.call('GET', `/v1/orders/${id}`, buyer));
        expect({ status: read.status, code: read.body.code }).toEqual({ status: 404, code: 'ORDERS.ORDER_NOT_FOUND' });
        const cancel = await client.json<Problem>(client.call('POST', `/v1/orders/${id}/cancel`, buyer));
        expect({ status: cancel.status, code: cancel.body.code }).toEqual({ status: 404, code: 'ORDERS.ORDER_NOT_FOUND' });
        const stream = await readSse(`${client.api}/v1/orders/${id}/events`, { token: buyer });
        expect({ status: stream.status, type: stream.contentType, code: stream.problem?.code }).toEqual({
          status: 404,
          type: 'application/problem+json; charset=utf-8',
          code: 'ORDERS.ORDER_NOT_FOUND',
        });
      }
      const bad = await readSse(`${client.api}/v1/orders/${orderId}/events`, { token: owner, lastEventId: 'abc' });
      expect({ status: bad.status, code: bad.problem?.code }).toEqual({ status: 400, code: 'VALIDATION.FAILED' });
      expect((await client.call('GET', `/v1/orders/${orderId}/events`)).status).toBe(401);
      expect((await client.finalOrder(owner, orderId)).status).toBe('CONFIRMED');
    });

    it('keeps the inventory routes for admins (403 AUTH.FORBIDDEN for a customer)', async () => {
      const read = await client.json<Problem>(client.call('GET', `/v1/inventory/${product.sku}`, buyer));
      expect({ status: read.status, code: read.body.code }).toEqual({ status: 403, code: 'AUTH.FORBIDDEN' });
      const write = await client.json<Problem>(client.call('PUT', `/v1/inventory/${product.sku}`, buyer, { onHand: 1000 }));
      expect({ status: write.status, code: write.body.code }).toEqual({ status: 403, code: 'AUTH.FORBIDDEN' });
      expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 4 });
      const negative = await client.json<Problem>(client.call('PUT', `/v1/inventory/${product.sku}`, admin, { onHand: -1 }));
      expect({ status: negative.status, code: negative.body.code }).toEqual({ status: 400, code: 'VALIDATION.FAILED' });
    });
  });

  describe('under the load generator (npm run load)', () => {
    it('runs the shopper mix open-loop: no 500, errors within 2 %, every order final, the invariants clean, a report with its charts', async () => {
      await seedInventory({ ...platform.env }); // the demo SKUs' stock, as npm run up has it
      const products = DEMO_PRODUCTS.map((p) => ({
        id: p.id,
        name: p.name,
        category: p.category,
        price: { amount: p.priceAmount, currency: p.priceCurrency },
      }));
      const result = await runLoad({
        gatewayUrl: client.api,
        rate: 10,
        durationMs: 8000,
        seed: 11,
        products,
        paymentTokens: { tok_visa: 70, tok_decline: 15, tok_flaky: 15 }, // tok_timeout waits out the 30 s step deadline
        shoppers: 10,
        settleMs: 20_000,
      });
      const reportPath = join(mkdtempSync(join(tmpdir(), 'shopmesh-load-')), 'report.html');
      const { summary, verdict } = await concludeLoad(result, {
        audit: auditConnectionOf(platform.env, platform.databases),
        maxErrorRate: 0.02, // a starved machine may time out a call or two; a broken service fails far more
        reportPath,
        events: [{ at: result.startedAt + 4000, label: 'half-way' }],
      });

      // (a session that found no free shopper is the generator's sizing, not the platform's failure)
      expect(result.sessions).toMatchObject({ dropped: 0, aborted: 0 });
      expect(result.sessions.started).toBeGreaterThan(50);
      expect(result.requests.filter((r) => r.status === 500 || r.outcome === 'mismatch')).toEqual([]);
      expect(summary.orders.placed).toBeGreaterThan(5);
      expect(summary.orders.notFinal).toEqual([]);
      expect(Object.keys(summary.orders.byOutcome)).toEqual(expect.arrayContaining(['CONFIRMED', 'CANCELLED CANCELLED_BY_USER']));
      expect(verdict).toEqual({ passed: true, failures: [], violations: [], maxErrorRate: 0.02 });
      const html = readFileSync(reportPath, 'utf8');
      for (const chart of ['throughput', 'latency', 'errors', 'saga', 'outcomes', 'time-to-final'])
        expect(html).toContain(`<div id="chart-${chart}"><svg`);
      expect(html).toContain('half-way');
    }, 90_000);
  });

  describe('live settings (through the admin API)', () => {
    type Settings = { version: number; values: Record<string, unknown> };
    const settingsOf = async (): Promise<Settings> =>
      (await client.json<Settings>(client.call('GET', '/v1/admin/settings', admin))).body;
    const change = (version: number, changes: Record<string, unknown>, reason = 'e2e') =>
      client.json<{ version: number } & Problem>(client.call('PATCH', '/v1/admin/settings', admin, { version, changes, reason }));
    const appliedVersion = async (app: AppProcess): Promise<number | undefined> => {
      const res = await fetch(`${app.url}/health/ready`);
      return ((await res.json()) as { details: { settings?: { version: number } } }).details.settings?.version;
    };
    afterAll(async () => {
      const { version, values } = await settingsOf();
      if (Object.keys(values).length > 0)
        await change(version, Object.fromEntries(Object.keys(values).map((key) => [key, null])), 'e2e: back to defaults');
    });

    it('closes checkout at once (503 CHECKOUT.CLOSED, nothing placed) and opens it again', async () => {
      const buyer = await client.customer();
      const product = await client.product(admin, 2);
      // an empty body: 503 while closed (the check runs first), 400 while open; it never places an order
      const probe = async () => (await client.place(buyer, {})).status;
      const closed = await change((await settingsOf()).version, { 'checkout.open': false }, 'e2e: incident drill');
      expect(closed.status).toBe(200);
      const closedAt = performance.now();
      await waitUntil('the gateway refuses new orders', async () => (await probe()) === 503, { timeoutMs: 1000, intervalMs: 5 });
      console.log(
        `live settings: checkout closed at the gateway ${(performance.now() - closedAt).toFixed(0)} ms after the change`,
      );
      const refused = await client.json<Problem>(client.place(buyer, client.orderBody(product.id, 1, 'tok_visa')));
      expect(refused).toMatchObject({ status: 503, body: { code: 'CHECKOUT.CLOSED' } });
      const checkout = { paymentToken: 'tok_visa', shippingAddress: ADDRESS };
      const viaCart = await client.call('POST', '/v1/cart/checkout', buyer, checkout, { 'idempotency-key': randomUUID() });
      expect(viaCart.status).toBe(503);
      expect((await client.json<{ items: unknown[] }>(client.call('GET', '/v1/orders', buyer))).body.items).toEqual([]);
      expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 2, reserved: 0 });

      expect((await change(closed.body.version, { 'checkout.open': null }, 'e2e: drill over')).status).toBe(200);
      await waitUntil('the gateway takes orders again', async () => (await probe()) === 400, { timeoutMs: 1000, intervalMs: 5 });
      const order = await client.finalOrder(buyer, await client.placed(buyer, product.id, 1, 'tok_visa'));
      expect(order.status).toBe('CONFIRMED');
    });

    it('refuses a bad change (422 SETTINGS.INVALID, nothing changed), a stale version (409) and a customer (403)', async () => {
      const { version } = await settingsOf();
      const invalid = await change(version, { 'checkout.open': false, 'orders.stepTimeoutMs': 1, 'no.such': 1 });
      expect(invalid).toMatchObject({
        status: 422,
        body: { code: 'SETTINGS.INVALID', errors: [{ field: 'changes.orders.stepTimeoutMs' }, { field: 'changes.no.such' }] },
      });
      expect(await change(version - 1, { 'checkout.open': false })).toMatchObject({
        status: 409,
        body: { code: 'SETTINGS.VERSION_CONFLICT' },
      });
      expect((await settingsOf()).version).toBe(version);
      const customer = await client.customer();
      const asCustomer = await client.call('PATCH', '/v1/admin/settings', customer, {
        version,
        changes: { 'checkout.open': false },
        reason: 'x',
      });
      expect(asCustomer.status).toBe(403);
    });

    it("shortens the saga's step deadline in orders at run time: a payment that never answers is cancelled (TIMEOUT) within seconds, its stock released, nothing charged; audited", async () => {
      const changed = await change((await settingsOf()).version, { 'orders.stepTimeoutMs': 2000 }, 'e2e: shorter steps');
      expect(changed.status).toBe(200);
      const changedAt = performance.now();
      await waitUntil(
        'orders, cart and the gateway apply the new version',
        async () =>
          (await Promise.all([platform.orders, platform.cart, platform.gateway].map(appliedVersion))).every(
            (v) => v === changed.body.version,
          ),
        { timeoutMs: 1000, intervalMs: 10 },
      );
      console.log(
        `live settings: orders, cart and the gateway applied it within ${(performance.now() - changedAt).toFixed(0)} ms`,
      );

      const buyer = await client.customer();
      const product = await client.product(admin, 3);
      const placedAt = Date.now();
      // the platform's own deadline is 30 s: a TIMEOUT well before says orders reads the live one
      const order = await client.finalOrder(buyer, await client.placed(buyer, product.id, 1, 'tok_timeout'), 15_000);
      expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'TIMEOUT' });
      expect(Date.now() - placedAt).toBeLessThan(15_000);
      // its stock is released, and whatever payments ends with (it may still be trying the provider), nothing is charged
      expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 3, reserved: 0 });
      await sleep(10_000);
      const effects = await client.effectsOf(order.id);
      expect(effects.providerCharges.filter((c) => c.status === 'APPROVED' && c.amount !== c.refundedAmount)).toEqual([]);
      expect(effects.ledger.reduce((net, l) => net + (l.kind === 'CAPTURE' ? l.amount : -l.amount), 0)).toBe(0);
      expect(await client.violations()).toEqual([]);

      const audit = await client.json<{ entries: unknown[] }>(client.call('GET', '/v1/admin/settings/audit?limit=1', admin));
      expect(audit).toMatchObject({
        status: 200,
        body: {
          entries: [
            {
              version: changed.body.version,
              operator: { email: platform.env.ADMIN_EMAIL },
              reason: 'e2e: shorter steps',
              changes: [{ key: 'orders.stepTimeoutMs', before: null, after: 2000 }],
            },
          ],
        },
      });
    });
  });

  // after the checkouts above, so the RED, consumer and business series exist
  it("serves each app's /metrics clean under `promtool check metrics`, with RED, lag, readiness and business series", async () => {
    const apps = ['gateway', 'identity', 'catalog', 'cart', 'inventory', 'orders', 'payments'] as const;
    const scraped = await Promise.all(
      apps.map(async (name) => {
        const text = await (await fetch(`${platform[name].url}/metrics`)).text();
        await writeFile(platform[name].logFile.replace(/\.log$/, '.metrics.txt'), text); // beside its log, to read after a failure
        return { name, text, lint: checkMetrics(text) };
      }),
    );
    expect(scraped.map(({ name, lint }) => ({ name, ...lint }))).toEqual(apps.map((name) => ({ name, ok: true, output: '' })));

    const of = (name: (typeof apps)[number]): string => scraped.find((s) => s.name === name)?.text ?? '';
    const series = (name: (typeof apps)[number], pattern: RegExp): string[] =>
      of(name)
        .split('\n')
        .filter((l) => pattern.test(l));
    const value = (line: string | undefined): number => Number(line?.split(' ').pop());
    // readiness as a gauge per app and per check (its value is what /health/ready said at the scrape: on a
    // loaded machine a check may time out, so the test asserts the series, not that all are up)
    for (const name of apps) {
      expect({ name, ready: series(name, /^shopmesh_ready\{/).map((l) => [0, 1].includes(value(l))) }).toEqual({
        name,
        ready: [true],
      });
    }
    expect(series('orders', /^shopmesh_readiness_check\{/).map((l) => /check="([^"]+)"/.exec(l)?.[1])).toEqual(
      expect.arrayContaining(['postgres', 'kafka', 'catalog', 'cart', 'consumers']),
    );
    expect(series('gateway', /^shopmesh_readiness_check\{check="redis"/)).toHaveLength(1);
    expect(series('gateway', /^http_server_request_duration_seconds_count\{.*route="\/v1\/orders"/).length).toBeGreaterThan(0);
    expect(series('orders', /^rpc_server_duration_seconds_count\{.*pattern="orders\./).length).toBeGreaterThan(0);
    expect(value(series('orders', /^orders_total\{outcome="confirmed"/)[0])).toBeGreaterThan(0);
    expect(value(series('orders', /^orders_total\{outcome="cancelled",reason="OUT_OF_STOCK"/)[0])).toBeGreaterThan(0);
    expect(series('orders', /^orders_saga_step_duration_seconds_count\{.*step="PENDING"/).map(value)[0]).toBeGreaterThan(0);
    expect(series('orders', /^orders_sagas_past_deadline\{/).map(value)).toEqual([0]);
    expect(series('orders', /^consumer_messages_total\{.*outcome="processed"/).length).toBeGreaterThan(0);
    expect(series('orders', /^shopmesh_consumer_lag_messages\{group="orders\./).length).toBeGreaterThan(0);
    expect(series('inventory', /^shopmesh_dead_letter_messages\{topic="inventory\.commands"/).map(value)).toEqual([0]);
    expect(series('inventory', /^inventory_reservations_held\{/).length).toBe(1);
    expect(value(series('payments', /^payments_outcomes_total\{outcome="authorized",repeat="false"/)[0])).toBeGreaterThan(0);
    expect(series('gateway', /^rpc_client_breaker_state\{.*target="orders"/).map(value)).toContain(0);
  });
});
