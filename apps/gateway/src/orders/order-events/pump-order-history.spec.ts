import type { OrderHistory, OrderHistoryEntry } from '@shopmesh/contracts';
import { pumpOrderHistory } from './pump-order-history';

const entry = (seq: number, status: OrderHistoryEntry['status'], step: OrderHistoryEntry['step']): OrderHistoryEntry => ({
  seq,
  status,
  step,
  at: new Date(Date.UTC(2026, 11, 2, 1, 0, seq)).toISOString(),
});

/** A fake orders answering the given pages one after the other, recording what it was asked. */
function ordersAnswering(pages: Array<OrderHistory | Error | 'hang'>) {
  const asked: number[] = [];
  const history = (after: number): Promise<OrderHistory> => {
    asked.push(after);
    const page = pages.shift() ?? 'hang';
    if (page === 'hang') return new Promise(() => undefined);
    return page instanceof Error ? Promise.reject(page) : Promise.resolve(page);
  };
  return { history, asked };
}

describe(pumpOrderHistory.name, () => {
  it('writes each entry as a status event, asks after the last one sent, and ends when the order is final', async () => {
    const orders = ordersAnswering([
      { entries: [entry(1, 'PENDING', 'PENDING'), entry(2, 'PENDING', 'STOCK_RESERVED')], final: false },
      { entries: [], final: false },
      { entries: [entry(3, 'PENDING', 'PAYMENT_AUTHORIZED'), entry(4, 'CONFIRMED', 'CONFIRMED')], final: true },
    ]);
    const written: string[] = [];
    const sut = await pumpOrderHistory({
      history: orders.history,
      write: (c) => written.push(c),
      signal: new AbortController().signal,
      after: 0,
      keepAliveMs: 60_000,
      minPollMs: 1,
    });
    expect(sut).toEqual({ reason: 'final' });
    expect(orders.asked).toEqual([0, 2, 2]);
    expect(written.map((c) => /^id: (\d+)\nevent: status\n/.exec(c)?.[1])).toEqual(['1', '2', '3', '4']);
    const lastData = (written[3] ?? '').split('\n')[2] ?? '';
    expect(JSON.parse(lastData.slice('data: '.length))).toEqual(entry(4, 'CONFIRMED', 'CONFIRMED'));
  });

  it('resumes after the given sequence number and never repeats an entry at or before it', async () => {
    const orders = ordersAnswering([
      { entries: [entry(2, 'PENDING', 'STOCK_RESERVED'), entry(3, 'CANCELLED', 'CANCELLED')], final: true },
    ]);
    const written: string[] = [];
    await pumpOrderHistory({
      ...orders,
      write: (c) => written.push(c),
      signal: new AbortController().signal,
      after: 2,
      keepAliveMs: 60_000,
    });
    expect(orders.asked).toEqual([2]);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^id: 3\n/);
  });

  it('stops at once when the client goes away, even in the middle of a long poll', async () => {
    const orders = ordersAnswering(['hang']);
    const controller = new AbortController();
    const pumping = pumpOrderHistory({
      ...orders,
      write: () => undefined,
      signal: controller.signal,
      after: 0,
      keepAliveMs: 60_000,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(pumping).resolves.toEqual({ reason: 'aborted' });
  });

  it('ends the stream when orders fails (the client reconnects with Last-Event-ID)', async () => {
    const failure = new Error('UPSTREAM.TIMEOUT');
    const orders = ordersAnswering([{ entries: [entry(1, 'PENDING', 'PENDING')], final: false }, failure]);
    const written: string[] = [];
    const sut = await pumpOrderHistory({
      ...orders,
      write: (c) => written.push(c),
      signal: new AbortController().signal,
      after: 0,
      keepAliveMs: 60_000,
    });
    expect(sut).toEqual({ reason: 'failed', error: failure });
    expect(written).toHaveLength(1);
  });

  it('sends keep-alive comments while nothing happens', async () => {
    const orders = ordersAnswering(['hang']);
    const controller = new AbortController();
    const written: string[] = [];
    const pumping = pumpOrderHistory({
      ...orders,
      write: (c) => written.push(c),
      signal: controller.signal,
      after: 0,
      keepAliveMs: 10,
    });
    await new Promise((r) => setTimeout(r, 55));
    controller.abort();
    await pumping;
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect(new Set(written)).toEqual(new Set([': keep-alive\n\n']));
  });
});
