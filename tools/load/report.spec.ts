import type { OrderRecord, RequestRecord } from './records';
import { renderReport, timeSeries } from './report';
import type { LoadResult } from './run-load';
import { kindColors, spanLanes } from './span-bands';
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

describe(spanLanes.name, () => {
  it('puts spans that overlap in different lanes and reuses a lane once it is free', () => {
    const sut = spanLanes([
      { start: 0, end: 1000 },
      { start: 500, end: 2000 },
      { start: 1000, end: 1500 }, // starts as the first ends: its lane again
      { start: 600, end: 700 }, // within both: a third lane
      { start: 2000, end: 3000 },
    ]);
    expect(sut).toEqual([0, 1, 0, 2, 0]);
  });

  it('keeps two instants at the same moment apart, and lanes follow start order whatever the input order', () => {
    expect(
      spanLanes([
        { start: 5, end: 5 },
        { start: 5, end: 5 },
      ]),
    ).toEqual([0, 1]);
    expect(
      spanLanes([
        { start: 2000, end: 3000 },
        { start: 0, end: 2500 },
      ]),
    ).toEqual([1, 0]);
  });
});

describe(kindColors.name, () => {
  it('gives each kind one colour: the known kinds their own, the others spare ones in order', () => {
    const sut = kindColors(['kill', 'custom-a', 'kill', 'pause', 'custom-b', 'custom-a']);
    expect([...sut.keys()]).toEqual(['kill', 'custom-a', 'pause', 'custom-b']);
    expect(new Set(sut.values()).size).toBe(4);
    expect(kindColors(['kill']).get('kill')).toBe(sut.get('kill'));
  });
});

describe(`${renderReport.name} with fault spans`, () => {
  const result = sampleResult();
  const summary = summarizeLoad(result);
  const render = (input: Partial<Parameters<typeof renderReport>[0]>) =>
    renderReport({ result, summary, verdict: verdictOf(summary, {}), ...input });
  const spans = [
    { start: T0 + 500, end: T0 + 2000, label: 'kill orders-1', kind: 'kill' },
    { start: T0 + 1000, end: T0 + 2500, label: 'pause payments', kind: 'pause' },
    { start: T0 + 2000, end: T0 + 2800, label: 'kill inventory-1', kind: 'kill' },
  ];
  const chart = (html: string, id: string) =>
    html.match(new RegExp(`<div id="chart-${id}">(<svg .*?</svg>)</div>`, 's'))?.[1] ?? '';

  it('draws each span as a band across every time chart, in lanes that keep overlapping spans apart', () => {
    const html = render({ spans });
    for (const id of ['throughput', 'latency', 'errors', 'saga']) {
      const svg = chart(html, id);
      expect(svg.match(/class="span-band"/g)).toHaveLength(3);
      expect(svg.match(/class="span-bar"/g)).toHaveLength(3);
      const lanes = [...svg.matchAll(/class="span-bar" [^>]*data-kind="([^"]+)" data-lane="(\d)"/g)].map(
        (m) => `${m[1]}:${m[2]}`,
      );
      expect(lanes).toEqual(['kill:0', 'pause:1', 'kill:0']); // the second kill starts as the first ends
    }
    // 3 s over the 1080 px plot: 0.5 s to 2 s is 180 px in, 540 px wide
    expect(chart(html, 'latency')).toMatch(/<rect class="span-band" x="244\.0" width="540\.0"/);
    expect(chart(html, 'outcomes')).not.toContain('span-band');
    expect(chart(html, 'time-to-final')).not.toContain('span-band');
    expect(html).not.toMatch(/NaN|undefined|Infinity|<script/);
  });

  it('grows the time charts above the plot by a lane per span at once, not the plot itself', () => {
    const height = (svg: string) => Number(svg.match(/viewBox="0 0 \d+ (\d+)"/)?.[1]);
    const plain = chart(render({}), 'throughput');
    const one = chart(render({ spans: spans.slice(0, 1) }), 'throughput');
    const two = chart(render({ spans }), 'throughput');
    expect(height(plain)).toBe(300);
    expect(height(two) - height(one)).toBe(12);
    expect(plain).not.toContain('class="spans"');
  });

  it('has a legend with one colour per kind on each time chart', () => {
    const svg = chart(render({ spans }), 'errors');
    expect([...svg.matchAll(/class="legend span-kind">([^<]+)</g)].map((m) => m[1])).toEqual(['kill', 'pause']);
    const fills = (kind: string) =>
      new Set([...svg.matchAll(new RegExp(`fill="(#[0-9a-f]{6})" data-kind="${kind}"`, 'g'))].map((m) => m[1]));
    expect(fills('kill').size).toBe(1);
    expect(fills('pause').size).toBe(1);
    expect([...fills('kill')][0]).not.toBe([...fills('pause')][0]);
  });

  it('lists every span under the charts: kind, label, start from the run start and duration, also one outside the run', () => {
    const html = render({ spans: [...spans, { start: T0 + 9000, end: T0 + 12_000, label: 'late', kind: 'rpc-loss' }] });
    const table = html.match(/<table class="spans">.*?<\/table>/s)?.[0] ?? '';
    const rows = [
      ...table.matchAll(/<tr><td>(?:<span[^>]*><\/span>)?(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g),
    ].map((m) => m.slice(1));
    expect(rows).toEqual([
      ['kill', 'kill orders-1', '0.5', '1.5'],
      ['pause', 'pause payments', '1.0', '1.5'],
      ['kill', 'kill inventory-1', '2.0', '0.8'],
      ['rpc-loss', 'late', '9.0', '3.0'],
    ]);
    expect(html.indexOf('<h2>Faults</h2>')).toBeGreaterThan(html.indexOf('id="chart-saga"'));
    expect(chart(html, 'throughput').match(/class="span-band"/g)).toHaveLength(3); // the late one is off the chart
    expect(render({}).includes('<h2>Faults</h2>')).toBe(false);
  });

  it('escapes span labels and kinds in the charts, the legend and the table', () => {
    const html = render({
      spans: [{ start: T0 + 100, end: T0 + 2900, label: '<img src=x onerror="alert(1)">', kind: 'a&b"<c>' }],
    });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('a&b');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('data-kind="a&amp;b&quot;&lt;c&gt;"');
  });

  it('puts extra sections after the summary, their titles escaped and their HTML as given', () => {
    const html = render({
      extraSections: [
        { title: 'Chaos <verdict>', html: '<table id="chaos"><tr><td>ok</td></tr></table>' },
        { title: 'Dead letters', html: '<p id="dlq">none unexplained</p>' },
      ],
    });
    expect(html).toContain('<h2>Chaos &lt;verdict&gt;</h2>');
    const at = (needle: string) => html.indexOf(needle);
    expect(at('<h2>Summary</h2>')).toBeLessThan(at('<table id="chaos">'));
    expect(at('<table id="chaos">')).toBeLessThan(at('<p id="dlq">'));
    expect(at('<p id="dlq">')).toBeLessThan(at('<h2>Throughput'));
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
