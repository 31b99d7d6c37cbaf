import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_KAFKA_TOPICS } from '@shopmesh/contracts';
import { AppProcess, freePort, pgConnectionOf, waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { auditConnectionOf } from '../../tools/invariants/audit-invariants';
import { readAuditRows } from '../../tools/invariants/read-audit-rows';
import { CheckoutClient, type OrderBody } from './checkout-client';
import { startPlatform, type Platform } from './platform';
import { PrivateKafka } from './private-kafka';

type Accepted = { orderId: string; status: string };
type Problem = { code?: string; status?: number; title?: string };

/** Step deadlines far longer than any wait here: a kill must never be "resolved" by a TIMEOUT. */
const STEP_TIMEOUT_MS = 90_000;

const outcomeOf = (o: OrderBody) => `${o.status}${o.cancellationReason ? ` ${o.cancellationReason}` : ''}`;
const countBy = <T>(items: readonly T[], key: (t: T) => string): Record<string, number> =>
  items.reduce<Record<string, number>>((acc, t) => ({ ...acc, [key(t)]: (acc[key(t)] ?? 0) + 1 }), {});

/** Runs `tasks` with at most `limit` at a time, results in order. */
async function pool<T>(limit: number, tasks: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let i = next++; i < tasks.length; i = next++) results[i] = await tasks[i]();
    }),
  );
  return results;
}

/**
 * kill -9 of orders, inventory and payments in the middle of checkouts, every app a real process
 * behind the gateway, on a Kafka broker of the suite's own (the services' consumer groups are fixed
 * names: a shared broker would hand this suite's commands to other suites' processes). A killed
 * process is started again on the same ports and database (its `AppProcess` handle restarts it).
 * After each scenario: every order final, the money moved equals what the confirmed orders cost,
 * no dead letters, and the invariants of PRODUCT.md §4 hold.
 */
describe('kill -9 during checkout (real processes, private Kafka)', () => {
  let kafka: PrivateKafka;
  let platform: Platform;
  let client: CheckoutClient;
  let admin: string;
  /** Orders of the running test: the money check of `afterEach` looks at these. */
  let scenarioOrders: string[] = [];

  beforeAll(async () => {
    kafka = await PrivateKafka.create();
    await kafka.start();
    platform = await startPlatform('checkout_kills', {
      KAFKA_BROKERS: kafka.brokers,
      ORDER_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS),
      RPC_TIMEOUT_MS: '5000',
    });
    client = new CheckoutClient(platform);
    admin = await client.admin();
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await kafka?.destroy();
  });

  beforeEach(() => {
    scenarioOrders = [];
  });

  afterEach(async () => {
    if (!client) return;
    const rows = await readAuditRows(auditConnectionOf(platform.env, platform.databases));
    const mine = new Set(scenarioOrders);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const confirmed = rows.orders.filter((o) => o.status === 'CONFIRMED');
    // this scenario: each CONFIRMED order captured once, nothing else captured, nothing refunded
    expect({
      captured: sum(rows.ledger.filter((l) => mine.has(l.orderId) && l.kind === 'CAPTURE').map((l) => l.amount)),
      refunded: sum(rows.ledger.filter((l) => mine.has(l.orderId) && l.kind === 'REFUND').map((l) => l.amount)),
    }).toEqual({ captured: sum(confirmed.filter((o) => mine.has(o.id)).map((o) => o.totalAmount)), refunded: 0 });
    // the whole platform so far: CAPTURE rows = the CONFIRMED orders' totals
    expect(sum(rows.ledger.filter((l) => l.kind === 'CAPTURE').map((l) => l.amount))).toBe(
      sum(confirmed.map((o) => o.totalAmount)),
    );
    expect(await deadLetters(kafka.brokers)).toEqual({});
    expect(await client.violations()).toEqual([]);
  }, 60_000);

  const ready = (app: AppProcess, timeoutMs = 90_000) =>
    waitUntil(`${app.app} is ready`, async () => (await fetch(`${app.url}/health/ready`)).status === 200, {
      timeoutMs,
      intervalMs: 250,
    });

  /** Rows of a query on one of the platform's databases. */
  const query = async <T extends object>(database: string, sql: string, params: unknown[] = []): Promise<T[]> => {
    const db = new Client({ ...pgConnectionOf(platform.env), database });
    await db.connect();
    try {
      return (await db.query<T>(sql, params)).rows;
    } finally {
      await db.end();
    }
  };

  /** Starts again whichever of the apps a failed test left down, so the next test finds the platform whole. */
  const restore = async (...apps: AppProcess[]) => {
    for (const app of apps) {
      if (await isDown(app)) await app.start(90_000);
    }
    await Promise.all(apps.map((app) => ready(app)));
  };

  const placed = async (token: string, productId: string, quantity: number, paymentToken = 'tok_visa') => {
    const id = await client.placed(token, productId, quantity, paymentToken);
    scenarioOrders.push(id);
    return id;
  };

  it('kill -9 orders right after stock was reserved: after its restart the saga confirms the order, charged once', async () => {
    // fault: orders dies with the saga in STOCK_RESERVED and AuthorizePayment sent. Payments is stopped
    // first, so the command waits in Kafka and the kill cannot race the payment's reply; orders is killed
    // once its outbox relay has published the command (killed before that, the relay of the restarted
    // process would send it: a path this test does not pin down)
    const buyer = await client.customer();
    const product = await client.product(admin, 5, 1999);
    try {
      await platform.payments.stop();
      const orderId = await placed(buyer, product.id, 2);
      await client.reaches(buyer, orderId, 'STOCK_RESERVED');
      await waitUntil(
        'orders published AuthorizePayment',
        async () =>
          (
            await query<{ published: boolean }>(
              platform.databases.orders,
              `SELECT published_at IS NOT NULL AS published FROM outbox WHERE topic = 'payments.commands' AND message_key = $1`,
              [orderId],
            )
          )[0]?.published === true,
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      await platform.orders.kill();
      expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 5, reserved: 2 });

      // payments answers while orders is dead: PaymentAuthorized waits in Kafka for orders
      await platform.payments.start(90_000);
      await ready(platform.payments);
      await waitUntil(
        'payments charged the order while orders was down',
        async () => (await client.effectsOf(orderId)).ledger.length === 1,
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      expect((await client.effectsOf(orderId)).ledger.map((l) => [l.kind, l.amount])).toEqual([['CAPTURE', 3998]]);
      await platform.orders.start(90_000);
      await ready(platform.orders);

      const order = await client.finalOrder(buyer, orderId, 90_000);
      expect(outcomeOf(order)).toBe('CONFIRMED');
      expect(order.statusHistory.map((h) => h.step)).toEqual(['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED']);
      const effects = await client.effectsOf(orderId);
      expect(effects.providerCharges.map((c) => [c.status, c.amount])).toEqual([['APPROVED', 3998]]);
      expect(effects.ledger.map((l) => [l.kind, l.amount])).toEqual([['CAPTURE', 3998]]);
      expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    } finally {
      await restore(platform.payments, platform.orders);
    }
  }, 240_000);

  it('kill -9 inventory during a burst of 200 orders (10 users, 4 products): every order final, stock exact', async () => {
    // load: 200 single-line orders, 50 per product. AMPLE-1 and AMPLE-2 have stock for all of them
    // (every 10th order of AMPLE-1 is declined by the provider); SCARCE-7 and SCARCE-3 have 7 and 3 units
    // for 50 orders of one unit each. Inventory is killed once it has reserved 10 orders, while the rest
    // is still being placed, and started again once the burst is placed.
    const buyers = await Promise.all(Array.from({ length: 10 }, () => client.customer()));
    const stockOf = [400, 400, 7, 3];
    const products = await Promise.all(stockOf.map((units, i) => client.product(admin, units, 100 * (i + 1))));
    const orderOf = (i: number) => {
      const p = i % 4;
      const quantity = p < 2 ? 1 + (i % 3) : 1;
      const token = p === 0 && i % 40 === 0 ? 'tok_decline' : 'tok_visa';
      return { product: p, quantity, token, buyer: buyers[i % buyers.length] };
    };
    const plan = Array.from({ length: 200 }, (_, i) => orderOf(i));
    const reservedOrders = async () =>
      Number((await query<{ n: string }>(platform.databases.inventory, 'SELECT count(*) AS n FROM reservation_orders'))[0]?.n);
    let burstOver = false;
    try {
      const killing = (async () => {
        await waitUntil('inventory reserved 10 orders of the burst', async () => burstOver || (await reservedOrders()) >= 10, {
          timeoutMs: 60_000,
          intervalMs: 50,
        });
        if (burstOver) throw new Error('the burst ended before inventory was killed');
        await platform.inventory.kill();
        return reservedOrders();
      })();
      const burst = pool(
        20,
        plan.map((o) => () => placed(o.buyer, (products[o.product] as { id: string }).id, o.quantity, o.token)),
      ).finally(() => {
        burstOver = true;
      });
      const [ids, reservedAtKill] = await Promise.all([burst, killing]);
      expect(reservedAtKill).toBeGreaterThanOrEqual(10);
      expect(reservedAtKill).toBeLessThan(200); // killed mid-way
      await platform.inventory.start(90_000);
      await ready(platform.inventory);

      const finals = await pool(
        20,
        ids.map((id, i) => () => client.finalOrder(plan[i]?.buyer ?? '', id, 150_000, 1000)),
      );
      const byProduct = [0, 1, 2, 3].map((p) =>
        countBy(
          finals.filter((_, i) => plan[i]?.product === p),
          outcomeOf,
        ),
      );
      expect(byProduct).toEqual([
        { CONFIRMED: 45, 'CANCELLED PAYMENT_DECLINED': 5 },
        { CONFIRMED: 50 },
        { CONFIRMED: 7, 'CANCELLED OUT_OF_STOCK': 43 },
        { CONFIRMED: 3, 'CANCELLED OUT_OF_STOCK': 47 },
      ]);
      // stock = what it was minus the units of the confirmed orders, nothing left reserved
      const confirmedUnits = [0, 1, 2, 3].map((p) =>
        finals.reduce((n, o, i) => n + (plan[i]?.product === p && o.status === 'CONFIRMED' ? (plan[i]?.quantity ?? 0) : 0), 0),
      );
      const stocks = await Promise.all(products.map((p) => client.stock(admin, p.sku)));
      expect(stocks.map((s) => [s.onHand, s.reserved])).toEqual(stockOf.map((units, p) => [units - (confirmedUnits[p] ?? 0), 0]));
      expect(confirmedUnits.slice(2)).toEqual([7, 3]);
      const effects = await readAuditRows(auditConnectionOf(platform.env, platform.databases));
      for (const o of finals) {
        const ledger = effects.ledger.filter((l) => l.orderId === o.id).map((l) => [l.kind, l.amount]);
        expect(ledger).toEqual(o.status === 'CONFIRMED' ? [['CAPTURE', o.total.amount]] : []);
      }
    } finally {
      await restore(platform.inventory);
    }
  }, 300_000);

  it('kill -9 payments between the provider approval and its commit: after the restart one charge, one CAPTURE', async () => {
    // fault: PAYMENTS_FAULT_KILL_AFTER_PROVIDER_CHARGE=1 makes payments SIGKILL itself right after the
    // provider approved the charge, before payments commits its payment row, ledger and reply
    const buyer = await client.customer();
    const product = await client.product(admin, 4, 2500);
    await platform.payments.stop();
    const doomed = new AppProcess(
      'payments',
      { ...platform.env, PAYMENTS_FAULT_KILL_AFTER_PROVIDER_CHARGE: '1' },
      platform.payments.httpPort,
    );
    try {
      await doomed.start(90_000);
      await ready(doomed);
      const orderId = await placed(buyer, product.id, 1);
      const exit = await Promise.race([doomed.exited(), sleep(60_000).then(() => 'still running' as const)]);
      expect(exit).toBeNull(); // no exit code: killed by a signal (its own SIGKILL)
      const between = await client.effectsOf(orderId);
      // the provider remembers the approval; payments recorded nothing
      expect(between.providerCharges.map((c) => [c.status, c.amount])).toEqual([['APPROVED', 2500]]);
      expect(between.ledger).toEqual([]);
      expect((await client.order(buyer, orderId)).step).toBe('STOCK_RESERVED');

      await platform.payments.start(90_000); // without the hook
      await ready(platform.payments);
      const order = await client.finalOrder(buyer, orderId, 120_000);
      expect(outcomeOf(order)).toBe('CONFIRMED');
      const effects = await client.effectsOf(orderId);
      expect(effects.providerCharges.map((c) => [c.status, c.amount, c.refundedAmount])).toEqual([['APPROVED', 2500, 0]]);
      expect(effects.ledger.map((l) => [l.kind, l.amount])).toEqual([['CAPTURE', 2500]]);
      expect(await client.stock(admin, product.sku)).toMatchObject({ onHand: 3, reserved: 0 });
    } finally {
      await doomed.stop();
      await restore(platform.payments);
    }
  }, 240_000);

  describe('two orders and two inventory instances, one of each killed -9 under a steady stream of orders', () => {
    const extra: AppProcess[] = [];
    let gateway: AppProcess;
    let twoWay: CheckoutClient;

    /** Another instance of a service on the platform's database and broker, its own ports. */
    const another = async (name: 'orders' | 'inventory'): Promise<{ app: AppProcess; address: string }> => {
      const [tcp, ops] = [await freePort(), await freePort()];
      const p = name.toUpperCase();
      const app = new AppProcess(
        name,
        {
          ...platform.env,
          [`${p}_TCP_PORT`]: String(tcp),
          [`${p}_OPS_PORT`]: String(ops),
          [`${p}_ADVERTISED_ADDRESS`]: `127.0.0.1:${tcp}`,
        },
        ops,
      );
      extra.push(app);
      await app.start(90_000);
      return { app, address: `127.0.0.1:${tcp}` };
    };

    beforeAll(async () => {
      const [orders, inventory] = await Promise.all([another('orders'), another('inventory')]);
      await Promise.all([ready(orders.app), ready(inventory.app)]);
      const http = await freePort();
      // a gateway that knows both instances of each (static discovery: comma-separated addresses)
      gateway = new AppProcess(
        'gateway',
        {
          ...platform.env,
          GATEWAY_PORT: String(http),
          ORDERS_ADDRESSES: `${platform.env.ORDERS_ADDRESSES},${orders.address}`,
          INVENTORY_ADDRESSES: `${platform.env.INVENTORY_ADDRESSES},${inventory.address}`,
        },
        http,
      );
      extra.push(gateway);
      await gateway.start(90_000);
      await ready(gateway, 30_000);
      twoWay = new CheckoutClient({ ...platform, api: gateway.url });
    }, 240_000);

    afterAll(async () => {
      await Promise.all(extra.map((app) => app.stop()));
    });

    it('keeps placing orders through the survivors; every order final, none half-made, stock exact', async () => {
      // load: 5 loops placing orders for 24 s (5 users; two ample products, one with 15 units) and a
      // loop reading stock; at 8 s the first orders and the first inventory instance die by SIGKILL.
      // The killed members' partitions move to the survivors once Kafka gives up on them (session timeout).
      const buyers = await Promise.all(Array.from({ length: 5 }, () => twoWay.customer()));
      const stockOf = [100_000, 100_000, 15];
      const products = await Promise.all(stockOf.map((units) => twoWay.product(admin, units, 700)));
      const startedAt = new Date();
      type Attempt = { at: number; key: string; buyer: string; body: unknown; product: number; quantity: number };
      const attempts: Array<Attempt & { status: number; contentType: string; body2: Accepted & Problem }> = [];
      const reads: Array<{ at: number; status: number; contentType: string; code?: string }> = [];
      let running = true;
      const loops = Array.from({ length: 5 }, async (_, w) => {
        for (let i = 0; running; i += 1) {
          const product = (w + i) % 3;
          const quantity = product === 2 ? 1 : 1 + (i % 2);
          const buyer = buyers[w];
          const body = twoWay.orderBody((products[product] as { id: string }).id, quantity, 'tok_visa');
          const key = randomUUID();
          const at = Date.now();
          const res = await twoWay.place(buyer, body, key);
          const answer = (await res.json()) as Accepted & Problem;
          attempts.push({
            at,
            key,
            buyer,
            body,
            product,
            quantity,
            status: res.status,
            contentType: res.headers.get('content-type') ?? '',
            body2: answer,
          });
          await sleep(50);
        }
      });
      const reader = (async () => {
        while (running) {
          const at = Date.now();
          const res = await twoWay.call('GET', `/v1/inventory/${products[0]?.sku}`, admin);
          const body = (await res.json()) as Problem;
          reads.push({ at, status: res.status, contentType: res.headers.get('content-type') ?? '', code: body.code });
          await sleep(100);
        }
      })();
      await sleep(8000);
      const killedAt = Date.now();
      await Promise.all([platform.orders.kill(), platform.inventory.kill()]);
      await sleep(16_000);
      running = false;
      await Promise.all([...loops, reader]);

      // a request in flight to the killed orders instance may fail, only as a clean problem: 503 (the
      // connection broke), or 409 IN_PROGRESS (the gateway retried it on the survivor, which found the key
      // claimed by the dead instance); a stock read is retried on the other instance
      const failed = attempts.filter((a) => a.status !== 202);
      const failedReads = reads.filter((r) => r.status !== 200);
      const failures = countBy(failed, (f) => `${f.status} ${f.body2.code}`);
      for (const f of [...failed.map((a) => ({ ...a, code: a.body2.code })), ...failedReads]) {
        expect([f.status, f.contentType, f.code]).toEqual(
          f.status === 409
            ? [409, 'application/problem+json; charset=utf-8', 'IDEMPOTENCY.IN_PROGRESS']
            : [503, 'application/problem+json; charset=utf-8', expect.stringMatching(/^UPSTREAM\.(UNAVAILABLE|TIMEOUT)$/)],
        );
      }
      // the gateway kept placing through the survivor (its breaker opens on the dead instance)
      expect(attempts.filter((a) => a.at < killedAt && a.status === 202).length).toBeGreaterThan(20);
      const late = attempts.filter((a) => a.at > killedAt + 3000);
      expect(late.length).toBeGreaterThan(20);
      expect(late.filter((a) => a.status !== 202)).toEqual([]);
      expect(reads.filter((r) => r.at > killedAt + 3000 && r.status !== 200)).toEqual([]);

      // a failed request retried with its Idempotency-Key answers 202 (a replay if the dead instance had
      // committed the order; 409 IN_PROGRESS while its abandoned claim is fresh)
      for (const f of failed) {
        const retried = await waitUntil(
          `the retry of ${f.key} is accepted`,
          async () => {
            const r = await twoWay.json<Accepted & Problem>(twoWay.place(f.buyer, f.body, f.key));
            if (r.status === 409 && r.body.code === 'IDEMPOTENCY.IN_PROGRESS') return false;
            return r;
          },
          { timeoutMs: 60_000, intervalMs: 1000 },
        );
        expect(retried.status).toBe(202);
        f.body2 = retried.body;
      }
      const accepted = attempts.map((a) => ({ ...a, orderId: a.body2.orderId }));
      scenarioOrders = accepted.map((a) => a.orderId);
      expect(new Set(scenarioOrders).size).toBe(attempts.length);

      const finals = await pool(
        10,
        accepted.map((a) => () => twoWay.finalOrder(a.buyer, a.orderId, 150_000, 1000)),
      );
      // no order exists but those the clients were given
      const rows = await readAuditRows(auditConnectionOf(platform.env, platform.databases));
      expect(
        rows.orders
          .filter((o) => o.createdAt >= startedAt)
          .map((o) => o.id)
          .sort(),
      ).toEqual([...scenarioOrders].sort());
      const outcomes = [0, 1, 2].map((p) =>
        countBy(
          finals.filter((_, i) => accepted[i]?.product === p),
          outcomeOf,
        ),
      );
      const demand = accepted.filter((a) => a.product === 2).length;
      expect(outcomes).toEqual([
        { CONFIRMED: accepted.filter((a) => a.product === 0).length },
        { CONFIRMED: accepted.filter((a) => a.product === 1).length },
        demand > 15 ? { CONFIRMED: 15, 'CANCELLED OUT_OF_STOCK': demand - 15 } : { CONFIRMED: demand },
      ]);
      const confirmedUnits = [0, 1, 2].map((p) =>
        finals.reduce(
          (n, o, i) => n + (accepted[i]?.product === p && o.status === 'CONFIRMED' ? (accepted[i]?.quantity ?? 0) : 0),
          0,
        ),
      );
      const stocks = await Promise.all(products.map((p) => twoWay.stock(admin, p.sku)));
      expect(stocks.map((s) => [s.onHand, s.reserved])).toEqual(stockOf.map((units, p) => [units - (confirmedUnits[p] ?? 0), 0]));
      process.stdout.write(
        `kill under load: ${attempts.length} orders placed, failed and retried: ${JSON.stringify(failures)}; ${reads.length} stock reads, ${failedReads.length} failed\n`,
      );
    }, 300_000);
  });
});

/** Whether the process has exited (stopped, killed or never started again). */
const isDown = async (app: AppProcess): Promise<boolean> =>
  Promise.race([app.exited().then(() => true), sleep(20).then(() => false)]);

/** Messages on the dead-letter topics of the broker (topic → count), the empty ones left out. */
async function deadLetters(brokers: string): Promise<Record<string, number>> {
  const admin = new Kafka({ clientId: 'kills-dlq-check', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const counts: Record<string, number> = {};
    for (const topic of ALL_KAFKA_TOPICS.filter((t) => t.endsWith('.dlq'))) {
      const n = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      if (n > 0) counts[topic] = n;
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}
