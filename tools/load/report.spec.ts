import type { OrderRecord, RequestRecord } from './records';
import { renderReport, timeSeries } from './report';
import type { LoadResult } from './run-load';
import type { Series } from './svg-charts';
import { DEFAULT_MIX, DEFAULT_PAYMENT_TOKENS } from './shopper-mix';
import { summarizeLoad, verdictOf } from './summary';

const T0 = Date.parse('2026-12-02T05:00:00.000Z');

const request = (at: number, ms: number, status: number, extra: Partial<RequestRecord> = {}): RequestRecord => ({
  session: 0,
  scenario: 'browse',
  step: 'list',
  method: 'GET',
  route: '/v1/products',
  startedAt: T0 + at,
  ms,
  status,
  outcome: status === 200 || status === 202 ? 'ok' : status >= 500 ? 'server-error' : status === 0 ? 'timeout' : 'client-error',
  correlationId: `c-${at}`,
  ...extra,
});

const order = (id: string, status: OrderRecord['status'], extra: Partial<OrderRecord> = {}): OrderRecord => ({
  orderId: id,
  scenario: 'checkout',
  via: 'checkout',
  paymentToken: 'tok_visa',
  placedAt: T0 + 500,
  cancelAccepted: false,
  status,
  step: status,
  terminalSeenAt: T0 + 1500,
  sagaMs: 300,
  ...extra,
});

/** Three seconds: 10 requests a second, latencies rising, a 503 in the second second and a timeout in the third. */
function sampleResult(): LoadResult {
  const requests: RequestRecord[] = [];
  for (let s = 0; s < 3; s += 1)
    for (let i = 0; i < 10; i += 1) requests.push(request(s * 1000 + i * 100, 10 * (s + 1) + i, 200));
  requests.push(request(1200, 40, 503, { code: 'UPSTREAM.UNAVAILABLE', route: '/v1/cart/checkout', method: 'POST' }));
  requests.push(request(2300, 10_000, 0, { code: 'TimeoutError' }));
  requests.push(request(2400, 20, 200, { scenario: 'follow', step: 'poll order', route: '/v1/orders/:id' }));
  return {
    options: {
      gatewayUrl: 'http://127.0.0.1:1',
      rate: 10,
      durationMs: 3000,
      seed: 1,
      mix: DEFAULT_MIX,
      paymentTokens: DEFAULT_PAYMENT_TOKENS,
    },
    runId: 'abc123',
    startedAt: T0,
    loadEndedAt: T0 + 3000,
    endedAt: T0 + 3000,
    sessions: {
      scheduled: 30,
      started: 30,
      dropped: 0,
      late: 0,
      maxLateMs: 0,
      aborted: 0,
      noShopper: 0,
      byScenario: { browse: 30 },
    },
    shoppers: 4,
    products: 304,
    requests,
    droppedAt: [T0 + 2100, T0 + 2200],
    orders: [
      order('o-1', 'CONFIRMED'),
      order('o-2', 'CANCELLED', { reason: 'PAYMENT_DECLINED', paymentToken: 'tok_decline', sagaMs: 1200 }),
      order('o-3', 'PENDING', { terminalSeenAt: undefined, sagaMs: undefined }),
    ],
  };
}

describe(timeSeries.name, () => {
  it('counts each second’s requests and takes each second’s percentiles', () => {
    const sut = timeSeries(sampleResult());
    expect(sut.seconds).toBe(3);
    const named = (list: Series[], name: string) => list.find((s) => s.name === name)?.values;
    expect(named(sut.throughput, 'sent')).toEqual([10, 11, 11]);
    expect(named(sut.throughput, 'errors')).toEqual([0, 1, 1]);
    expect(named(sut.throughput, 'order polls')).toEqual([0, 0, 1]);
    expect(named(sut.throughput, 'arrivals dropped')).toEqual([0, 0, 2]);
    expect(named(sut.latency, 'p50')).toEqual([14, 25, 35]);
    expect(named(sut.latency, 'p99')).toEqual([19, 40, 10_000]);
    expect(sut.errors.map((e) => [e.name, e.values])).toEqual([
      ['503 UPSTREAM.UNAVAILABLE', [0, 1, 0]],
      ['timeout TimeoutError', [0, 0, 1]],
    ]);
  });
});

describe(renderReport.name, () => {
  const result = sampleResult();
  const summary = summarizeLoad(result);

  it('is one HTML page with every chart inline, no script and no network', () => {
    const html = renderReport({ result, summary, verdict: verdictOf(summary, { violations: [] }) });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    for (const id of ['throughput', 'latency', 'errors', 'saga', 'outcomes', 'time-to-final'])
      expect(html).toMatch(new RegExp(`<div id="chart-${id}"><svg [^>]*>.*?</svg></div>`, 's'));
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect(html.match(/<\/svg>/g)).toHaveLength(6);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg|127\.0\.0\.1)/);
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
    for (const series of ['data-series="sent"', 'data-series="p99"', 'data-series="saga p50"', '503 UPSTREAM.UNAVAILABLE'])
      expect(html).toContain(series);
    expect(html).toContain('CANCELLED PAYMENT_DECLINED');
    expect(html).toContain('1 order(s) not final in time'); // o-3 fails the verdict
    expect(html).toContain('<code>o-3</code>');
  });

  it('draws the events given as labelled markers, escaped', () => {
    const html = renderReport({
      result,
      summary,
      verdict: verdictOf(summary, {}),
      events: [{ at: T0 + 1500, label: 'restart <orders>' }],
    });
    expect(html.match(/<g class="marker">/g)).toHaveLength(4); // on each of the four time charts
    expect(html).toContain('restart &lt;orders&gt;');
    expect(html).not.toContain('<orders>');
    expect(html).toContain('invariants: not checked');
  });
});

describe(verdictOf.name, () => {
  const summary = summarizeLoad(sampleResult());

  it('fails on violations, orders not final, mismatched retries and errors over the budget', () => {
    const violation = { invariant: 1 as const, rule: 'charged-once', subject: 'o-1', detail: 'two captures' };
    expect(verdictOf(summary, { violations: [violation], maxErrorRate: 0.01 }).failures).toEqual([
      '1 invariant violation(s)',
      '1 order(s) not final in time',
      'error rate 6.06 % over the allowed 1.00 %',
    ]);
    const mismatch = {
      ...summary,
      orders: { ...summary.orders, notFinal: [] },
      byOutcome: { ...summary.byOutcome, mismatch: 1 },
    };
    expect(verdictOf(mismatch, { violations: [] })).toMatchObject({
      passed: false,
      failures: ['1 idempotent retr(y/ies) answered another order'],
    });
  });

  it('passes a clean run', () => {
    const clean = { ...summary, orders: { ...summary.orders, notFinal: [] } };
    expect(verdictOf(clean, { violations: [], maxErrorRate: 0.1 })).toEqual({
      passed: true,
      failures: [],
      violations: [],
      maxErrorRate: 0.1,
    });
  });
});
