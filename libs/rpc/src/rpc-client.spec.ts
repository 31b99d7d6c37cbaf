import type { ClientProxy } from '@nestjs/microservices';
import { AppError } from '@shopmesh/errors';
import { CorrelationContext } from '@shopmesh/logging';
import { Metrics } from '@shopmesh/metrics';
import { NEVER, Observable, of, throwError } from 'rxjs';
import { RpcClient } from './rpc-client';

const proxyAnswering = (answer: (pattern: string, data: unknown) => Observable<unknown>) =>
  ({ send: answer, close: () => Promise.resolve() }) as unknown as ClientProxy;

describe(RpcClient.name, () => {
  const metrics = new Metrics('test');

  it('sends the payload with the correlation id and a deadline', async () => {
    let sent: unknown;
    const sut = RpcClient.forProxy(
      'catalog',
      proxyAnswering((_p, data) => ((sent = data), of({ ok: true }))),
      1000,
      metrics,
    );
    const before = Date.now();
    await expect(CorrelationContext.run('c-7', () => sut.send('x.y', { a: 1 }))).resolves.toEqual({ ok: true });
    expect(sent).toMatchObject({ meta: { correlationId: 'c-7' }, payload: { a: 1 } });
    const { deadlineAt } = (sent as { meta: { deadlineAt: number } }).meta;
    expect(deadlineAt).toBeGreaterThanOrEqual(before + 1000);
  });

  it('fails with UPSTREAM.TIMEOUT when the callee never answers', async () => {
    const sut = RpcClient.forProxy(
      'catalog',
      proxyAnswering(() => NEVER),
      50,
      metrics,
    );
    await expect(sut.send('x.y', {})).rejects.toMatchObject({ code: 'UPSTREAM.TIMEOUT' });
  });

  it('gives one attempt of an idempotent call at least minAttemptMs (a long poll is not cut short by the retry split)', async () => {
    const slow = () => new Observable<unknown>((s) => void setTimeout(() => (s.next({ ok: true }), s.complete()), 150));
    const split = RpcClient.forProxy('orders', proxyAnswering(slow), 300, metrics);
    await expect(split.send('x.y', {}, { idempotent: true })).rejects.toMatchObject({ code: 'UPSTREAM.TIMEOUT' });
    const sut = RpcClient.forProxy('orders', proxyAnswering(slow), 300, metrics);
    await expect(sut.send('x.y', {}, { idempotent: true, minAttemptMs: 250 })).resolves.toEqual({ ok: true });
  });

  it('passes the callee’s coded error through', async () => {
    const sut = RpcClient.forProxy(
      'catalog',
      proxyAnswering(() => throwError(() => ({ code: 'CATALOG.PRODUCT_NOT_FOUND', message: 'No product' }))),
      500,
    );
    const error: unknown = await sut.send('x.y', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CATALOG.PRODUCT_NOT_FOUND', message: 'No product' });
  });

  it('hides transport errors behind UPSTREAM.UNAVAILABLE', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:4002'), { code: 'ECONNREFUSED' });
    const sut = RpcClient.forProxy(
      'catalog',
      proxyAnswering(() => throwError(() => refused)),
      500,
    );
    const error = (await sut.send('x.y', {}).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('UPSTREAM.UNAVAILABLE');
    expect(error.message).not.toContain('10.0.0.7');
  });

  it('records the outcome of each call', async () => {
    const sut = RpcClient.forProxy(
      'catalog',
      proxyAnswering(() => NEVER),
      20,
      metrics,
    );
    await sut.send('m.timeout', {}).catch(() => undefined);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /rpc_client_duration_seconds_count\{service="test",target="catalog",instance="single:0",pattern="m.timeout",outcome="timeout"\} 1/,
    );
  });
});
