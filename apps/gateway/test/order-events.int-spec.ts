import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Controller,
  Module,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  type INestApplication,
  type INestMicroservice,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, RpcException, Transport } from '@nestjs/microservices';
import type { Order, OrderHistory, OrderHistoryEntry } from '@shopmesh/contracts';
import { ErrorFilter, createValidationPipe } from '@shopmesh/errors';
import { correlationMiddleware } from '@shopmesh/logging';
import { RpcClient, rpcClientToken } from '@shopmesh/rpc';
import { freePort, readSse, testEnv } from '@shopmesh/testing';
import { configureEdge } from '../src/edge/configure-edge';
import type { EdgeOptions } from '../src/edge/edge-options';
import { EdgeModule } from '../src/edge/edge.module';
import { POLICY_BEHAVIOUR } from '../src/edge/rate-limit/rate-limit-policy';
import { OrderEventStreams } from '../src/orders/order-events/order-event-streams';
import { OrderEventsController } from '../src/orders/order-events/order-events.controller';

/** What the stand-in for orders knows: one history per order, appended to by the test. */
interface FakeOrder {
  userId: string;
  entries: OrderHistoryEntry[];
  final: boolean;
  failHistory?: boolean;
}
const orders = new Map<string, FakeOrder>();
const historyCalls: Array<{ id: string; after: number; waitMs: number }> = [];

const entry = (seq: number, status: OrderHistoryEntry['status'], step: OrderHistoryEntry['step']): OrderHistoryEntry => ({
  seq,
  status,
  step,
  at: new Date().toISOString(),
});

type Message<P> = { meta: { actor?: { userId: string } }; payload: P };

/** Orders' `orders.get` and `orders.history` (a long poll) over the real TCP transport, on in-memory orders. */
@Controller()
class FakeOrdersRpc {
  private own(message: Message<{ id: string }>): FakeOrder {
    const order = orders.get(message.payload.id);
    if (!order || order.userId !== message.meta.actor?.userId) {
      throw new RpcException({ code: 'ORDERS.ORDER_NOT_FOUND', message: 'No such order' });
    }
    return order;
  }

  @MessagePattern('orders.get')
  get(@Payload() message: Message<{ id: string }>): Order {
    const order = this.own(message);
    const at = new Date().toISOString();
    const last = order.entries.at(-1);
    return {
      id: message.payload.id,
      userId: order.userId,
      status: last?.status ?? 'PENDING',
      step: last?.step ?? 'PENDING',
      items: [{ productId: randomUUID(), sku: 'SKU-1', name: 'Thing', quantity: 1, unitPrice: { amount: 100, currency: 'EUR' } }],
      total: { amount: 100, currency: 'EUR' },
      shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'DE' },
      statusHistory: order.entries,
      createdAt: at,
      updatedAt: at,
    };
  }

  @MessagePattern('orders.history')
  async history(@Payload() message: Message<{ id: string; after: number; waitMs: number }>): Promise<OrderHistory> {
    historyCalls.push(message.payload);
    const order = this.own(message);
    const until = Date.now() + message.payload.waitMs;
    for (;;) {
      if (order.failHistory) throw new RpcException({ code: 'INTERNAL', message: 'orders broke' });
      const entries = order.entries.filter((e) => e.seq > message.payload.after);
      if (entries.length > 0 || Date.now() >= until)
        return {
          entries,
          final: order.final && entries.length === order.entries.filter((e) => e.seq > message.payload.after).length,
        };
      await sleep(20);
    }
  }
}

@Module({ controllers: [FakeOrdersRpc] })
class FakeOrdersModule {}

/** Stands in for the access-token guard: the customer named by a test header. */
class TestUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: unknown }>();
    const id = req.headers['x-test-user'];
    if (id) req.user = { id, role: 'customer', sessionId: 's' };
    return true;
  }
}

const policy = { limit: 1000, windowMs: 60_000 };
const edgeOptions = (redisUrl: string): EdgeOptions => ({
  trustedProxyHops: 0,
  corsOrigins: [],
  jsonBodyLimitBytes: 1024 * 1024,
  rateLimit: {
    redisUrl,
    keyPrefix: `test:order-events:${randomUUID()}`,
    redisTimeoutMs: 150,
    policies: {
      login: { ...policy, ...POLICY_BEHAVIOUR.login },
      register: { ...policy, ...POLICY_BEHAVIOUR.register },
      auth: { ...policy, ...POLICY_BEHAVIOUR.auth },
      read: { ...policy, ...POLICY_BEHAVIOUR.read },
      write: { ...policy, ...POLICY_BEHAVIOUR.write },
      stream: { ...policy, ...POLICY_BEHAVIOUR.stream },
    },
  },
});

@Module({})
class StreamTestModule {
  static register(options: EdgeOptions, ordersAddress: string): DynamicModule {
    return {
      module: StreamTestModule,
      imports: [EdgeModule.register(options)],
      controllers: [OrderEventsController],
      providers: [
        OrderEventStreams,
        {
          provide: rpcClientToken('orders'),
          useFactory: () => RpcClient.forAddresses('orders', [ordersAddress], { timeoutMs: 3000 }),
        },
        { provide: APP_GUARD, useClass: TestUserGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}

/**
 * `GET /v1/orders/:id/events` over real HTTP (with the gateway's edge: helmet, body parser) and a
 * real TCP stand-in for orders: 404 before a stream, events as they happen, resume, the end at a
 * final status, a client that goes away, an orders failure and a shutdown.
 */
describe('order event stream (SSE, real HTTP and TCP)', () => {
  let fakeOrders: INestMicroservice;
  let gateway: INestApplication;
  let url: string;
  const alice = randomUUID();

  beforeAll(async () => {
    const port = await freePort();
    fakeOrders = await NestFactory.createMicroservice(FakeOrdersModule, {
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port },
      logger: false,
    });
    await fakeOrders.listen();
    const options = edgeOptions(testEnv().REDIS_URL ?? 'redis://127.0.0.1:6379');
    gateway = await NestFactory.create(StreamTestModule.register(options, `127.0.0.1:${port}`), { logger: false });
    gateway.use(correlationMiddleware);
    configureEdge(gateway, options);
    gateway.enableShutdownHooks();
    await gateway.listen(0, '127.0.0.1');
    url = (await gateway.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await gateway?.close();
    await fakeOrders?.close();
  });

  const newOrder = (order: Partial<FakeOrder> = {}): string => {
    const id = randomUUID();
    orders.set(id, { userId: alice, entries: [], final: false, ...order });
    return id;
  };
  const stream = (id: string, options: Parameters<typeof readSse>[1] = {}) =>
    readSse(`${url}/v1/orders/${id}/events`, { ...options, headers: { 'x-test-user': alice } });

  it("answers 404 problem+json, not a stream, for an unknown order and another user's", async () => {
    const others = newOrder({ userId: randomUUID() });
    for (const id of [randomUUID(), others]) {
      const read = await stream(id);
      expect({ status: read.status, type: read.contentType, code: read.problem?.code }).toEqual({
        status: 404,
        type: 'application/problem+json; charset=utf-8',
        code: 'ORDERS.ORDER_NOT_FOUND',
      });
    }
  });

  it('refuses a Last-Event-ID that is not an event id (400 naming the header)', async () => {
    const read = await stream(newOrder(), { lastEventId: 'abc' });
    expect({ status: read.status, code: read.problem?.code }).toEqual({ status: 400, code: 'VALIDATION.FAILED' });
  });

  it('sends the headers at once, then each entry as it happens, and ends at the final one', async () => {
    const id = newOrder({ entries: [entry(1, 'PENDING', 'PENDING')] });
    const started = Date.now();
    const reading = stream(id, { timeoutMs: 20_000 });
    await sleep(400);
    orders.get(id)?.entries.push(entry(2, 'PENDING', 'STOCK_RESERVED'));
    await sleep(400);
    const order = orders.get(id) as FakeOrder;
    order.entries.push(entry(3, 'PENDING', 'PAYMENT_AUTHORIZED'), entry(4, 'CONFIRMED', 'CONFIRMED'));
    order.final = true;
    const read = await reading;
    expect(Date.now() - started).toBeLessThan(5000);
    expect({ status: read.status, type: read.contentType, ended: read.ended }).toEqual({
      status: 200,
      type: 'text/event-stream; charset=utf-8',
      ended: true,
    });
    expect(read.events.map((e) => [e.id, e.event, (JSON.parse(e.data) as OrderHistoryEntry).step])).toEqual([
      ['1', 'status', 'PENDING'],
      ['2', 'status', 'STOCK_RESERVED'],
      ['3', 'status', 'PAYMENT_AUTHORIZED'],
      ['4', 'status', 'CONFIRMED'],
    ]);
    expect(historyCalls.filter((c) => c.id === id).map((c) => [c.after, c.waitMs])).toEqual([
      [0, 10_000],
      [1, 10_000],
      [2, 10_000],
    ]);
  });

  it('flushes the headers before any event exists (nothing buffers the stream)', async () => {
    const id = newOrder();
    const controller = new AbortController();
    const started = Date.now();
    const res = await fetch(`${url}/v1/orders/${id}/events`, { headers: { 'x-test-user': alice }, signal: controller.signal });
    expect({ status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control') }).toEqual({
      status: 200,
      type: 'text/event-stream; charset=utf-8',
      cache: 'no-cache, no-store, no-transform',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    controller.abort();
  });

  it('resumes after Last-Event-ID', async () => {
    const id = newOrder({ entries: [entry(1, 'PENDING', 'PENDING'), entry(2, 'CANCELLED', 'CANCELLED')], final: true });
    const read = await stream(id, { lastEventId: '1' });
    expect(read.events.map((e) => e.id)).toEqual(['2']);
    expect(read.ended).toBe(true);
  });

  it('stops asking orders once the client goes away', async () => {
    const id = newOrder({ entries: [entry(1, 'PENDING', 'PENDING')] });
    const read = await stream(id, { until: (events) => events.length === 1 });
    expect(read.ended).toBe(false);
    await sleep(300);
    orders.get(id)?.entries.push(entry(2, 'PENDING', 'STOCK_RESERVED')); // answers the long poll in flight
    await sleep(500);
    const calls = historyCalls.filter((c) => c.id === id).length;
    expect(calls).toBeLessThanOrEqual(2);
    await sleep(500);
    expect(historyCalls.filter((c) => c.id === id)).toHaveLength(calls);
  });

  it('ends the stream when orders fails mid-stream (the client reconnects with Last-Event-ID)', async () => {
    const id = newOrder({ entries: [entry(1, 'PENDING', 'PENDING')] });
    const reading = stream(id, { timeoutMs: 10_000 });
    await sleep(300);
    (orders.get(id) as FakeOrder).failHistory = true;
    const read = await reading;
    expect({ ended: read.ended, ids: read.events.map((e) => e.id) }).toEqual({ ended: true, ids: ['1'] });
  });

  it('ends open streams at once on shutdown, so they never hold up the close', async () => {
    const id = newOrder({ entries: [entry(1, 'PENDING', 'PENDING')] });
    const reading = stream(id, { timeoutMs: 15_000 });
    await sleep(300);
    const started = Date.now();
    await gateway.close();
    const read = await reading;
    expect(read.ended).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
