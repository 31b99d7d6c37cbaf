import { escapeHtml } from './escape-html';
import { orderOutcomeOf, type LoadEvent, type LoadSpan, type RequestRecord } from './records';
import type { LoadResult } from './run-load';
import { histogram, percentile, perSecond } from './stats';
import { spanBandsOf, type SpanBand } from './span-bands';
import { fmtMs, type LoadSummary, type Verdict } from './summary';
import { PALETTE, barList, histogramChart, lineChart, stackedBarChart, type Marker, type Series } from './svg-charts';

/** Time-to-final buckets (ms) of the saga histogram. */
const SAGA_EDGES = [0, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000];
const OUTCOME_COLORS: Record<string, string> = {
  CONFIRMED: '#16a34a',
  'CANCELLED PAYMENT_DECLINED': '#f59e0b',
  'CANCELLED CANCELLED_BY_USER': '#2563eb',
  'CANCELLED TIMEOUT': '#7c3aed',
  'CANCELLED OUT_OF_STOCK': '#0891b2',
  'not final': '#dc2626',
};
const MAX_ERROR_SERIES = 8;

const bucketLabel = (ms: number): string => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

/** The per-second series of a run: what the report plots (exported for tests and other reports). */
export function timeSeries(result: LoadResult) {
  const seconds = Math.max(1, Math.ceil((result.endedAt - result.startedAt) / 1000));
  const shopper = result.requests.filter((r) => r.scenario !== 'follow');
  const polls = result.requests.filter((r) => r.scenario === 'follow');
  const buckets = perSecond(shopper, (r) => r.startedAt, result.startedAt, seconds);
  const pollBuckets = perSecond(polls, (r) => r.startedAt, result.startedAt, seconds);
  const q = (rs: RequestRecord[], p: number) =>
    rs.length
      ? percentile(
          rs.map((r) => r.ms),
          p,
        )
      : null;
  const errorKey = (r: RequestRecord) => `${r.status || r.outcome}${r.code ? ` ${r.code}` : ''}`;
  const counts = new Map<string, number>();
  for (const r of result.requests) if (r.outcome !== 'ok') counts.set(errorKey(r), (counts.get(errorKey(r)) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const named = new Set(top.slice(0, MAX_ERROR_SERIES));
  const errorNames = [...named, ...(top.length > MAX_ERROR_SERIES ? ['other'] : [])];
  const allBuckets = perSecond(result.requests, (r) => r.startedAt, result.startedAt, seconds);
  const placedBuckets = perSecond(result.orders, (o) => o.placedAt, result.startedAt, seconds);
  return {
    seconds,
    throughput: [
      { name: 'sent', color: PALETTE[0], values: buckets.map((b) => b.length), underlay: true },
      { name: 'ok', color: PALETTE[1], values: buckets.map((b) => b.filter((r) => r.outcome === 'ok').length) },
      { name: 'errors', color: PALETTE[2], values: buckets.map((b) => b.filter((r) => r.outcome !== 'ok').length) },
      { name: 'order polls', color: '#9ca3af', values: pollBuckets.map((b) => b.length) },
      {
        name: 'arrivals dropped',
        color: '#111827',
        values: perSecond(result.droppedAt, (t) => t, result.startedAt, seconds).map((b) => b.length),
      },
    ],
    latency: [
      { name: 'p50', color: PALETTE[1], values: buckets.map((b) => q(b, 50)) },
      { name: 'p90', color: PALETTE[3], values: buckets.map((b) => q(b, 90)) },
      { name: 'p99', color: PALETTE[2], values: buckets.map((b) => q(b, 99)) },
    ],
    errors: errorNames.map((name, i) => ({
      name,
      color: PALETTE[(i + 2) % PALETTE.length],
      values: allBuckets.map(
        (b) => b.filter((r) => r.outcome !== 'ok' && (named.has(errorKey(r)) ? errorKey(r) === name : name === 'other')).length,
      ),
    })),
    saga: [
      { name: 'saga p50', color: PALETTE[1], values: placedBuckets.map((b) => sagaQ(b, 50)) },
      { name: 'saga p99', color: PALETTE[2], values: placedBuckets.map((b) => sagaQ(b, 99)) },
    ],
  } satisfies Record<string, number | Series[]>;
}

const sagaQ = (orders: LoadResult['orders'], p: number): number | null => {
  const ms = orders.flatMap((o) => (o.sagaMs === undefined ? [] : [o.sagaMs]));
  return ms.length ? percentile(ms, p) : null;
};

function outcomeCharts(result: LoadResult): { mix: string; histogram: string } {
  const outcomes = new Map<string, number[]>();
  for (const o of result.orders) {
    const list = outcomes.get(orderOutcomeOf(o)) ?? [];
    list.push(o.sagaMs ?? (o.terminalSeenAt ?? result.endedAt) - o.placedAt);
    outcomes.set(orderOutcomeOf(o), list);
  }
  const entries = [...outcomes.entries()].sort((a, b) => b[1].length - a[1].length);
  const color = (name: string, i: number) => OUTCOME_COLORS[name] ?? PALETTE[(i + 4) % PALETTE.length];
  return {
    mix: barList({
      title: 'saga outcome mix',
      items: entries.map(([label, values], i) => ({ label, value: values.length, color: color(label, i) })),
    }),
    histogram: histogramChart({
      title: 'time to final',
      xLabel: 'time from placed to final (saga history; not final: until the end of the run)',
      buckets: SAGA_EDGES.map((e, i) =>
        i === SAGA_EDGES.length - 1 ? `≥ ${bucketLabel(e)}` : `< ${bucketLabel(SAGA_EDGES[i + 1])}`,
      ),
      series: entries.map(([name, values], i) => ({ name, color: color(name, i), values: histogram(values, SAGA_EDGES) })),
    }),
  };
}

const table = (head: string[], rows: Array<Array<string | number>>, cls = ''): string =>
  `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111827;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #e5e7eb;padding:3px 8px;text-align:right}
th{background:#f3f4f6}td:first-child,th:first-child{text-align:left}.kv td,.spans td:nth-child(2),.spans th:nth-child(2){text-align:left}
.verdict{padding:10px 14px;border-radius:6px;font-weight:600;display:inline-block}.pass{background:#dcfce7}.fail{background:#fee2e2}
svg{display:block;max-width:100%;height:auto}.tick{font-size:11px;fill:#374151}.axis{font-size:12px;fill:#374151}
.legend{font-size:12px;fill:#111827}.marker-label{font-size:11px;fill:#111827}.empty{font-size:14px;fill:#9ca3af}
.span-label{font-size:9px;fill:#fff;pointer-events:none}.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;opacity:.85}
code{background:#f3f4f6;padding:0 3px}`;

/** The spans as a table: kind (with its colour), label, start and duration in seconds. */
function spanTable(bands: readonly SpanBand[]): string {
  const rows = bands
    .map((b, i) => ({ b, i }))
    .sort((x, y) => x.b.from - y.b.from || x.i - y.i)
    .map(
      ({ b }) =>
        `<tr><td><span class="swatch" style="background:${b.color}"></span>${escapeHtml(b.kind)}</td><td>${escapeHtml(b.label)}</td><td>${b.from.toFixed(1)}</td><td>${(b.to - b.from).toFixed(1)}</td></tr>`,
    );
  return `<table class="spans"><thead><tr><th>kind</th><th>fault</th><th>start (s)</th><th>duration (s)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A section another part of the run adds to the report (the chaos verdict); its HTML is trusted. */
export interface ReportSection {
  title: string;
  html: string;
}

/** The run as one self-contained HTML page: no script, no network; inline SVG charts. */
export function renderReport(input: {
  result: LoadResult;
  summary: LoadSummary;
  verdict: Verdict;
  events?: readonly LoadEvent[];
  /** Faults that lasted: bands on every time chart and a table under the charts. */
  spans?: readonly LoadSpan[];
  /** Rendered after the summary, in order; `html` is inserted as is. */
  extraSections?: readonly ReportSection[];
}): string {
  const { result, summary: s, verdict } = input;
  const series = timeSeries(result);
  const marks: Marker[] = (input.events ?? []).map((e) => ({ x: (e.at - result.startedAt) / 1000, label: e.label }));
  const spans = spanBandsOf(input.spans ?? [], result.startedAt);
  const time = { seconds: series.seconds, markers: marks, spans };
  const extraSections = (input.extraSections ?? [])
    .map((x) => `<h2>${escapeHtml(x.title)}</h2>\n<div class="extra">${x.html}</div>\n`)
    .join('');
  const outcomes = outcomeCharts(result);
  const o = result.options;
  const figures: Array<[string, string | number]> = [
    ['offered', `${o.rate} sessions/s for ${(o.durationMs / 1000).toFixed(0)} s (${o.arrival ?? 'poisson'}, seed ${o.seed})`],
    [
      'sessions',
      `${result.sessions.started} started, ${result.sessions.dropped} dropped (in-flight bound), ${result.sessions.late} late, ${result.sessions.noShopper} without a free shopper`,
    ],
    [
      'by scenario',
      Object.entries(result.sessions.byScenario)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['requests', `${s.requests} (${s.requestsPerSecond.toFixed(1)}/s)`],
    [
      'by outcome',
      Object.entries(s.byOutcome)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['errors', `${s.errors} (${(s.errorRate * 100).toFixed(2)} %)`],
    [
      'latency ms',
      `p50 ${fmtMs(s.latency.p50)}, p90 ${fmtMs(s.latency.p90)}, p99 ${fmtMs(s.latency.p99)}, max ${fmtMs(s.latency.max)}`,
    ],
    [
      'orders',
      `${s.orders.placed} placed: ${
        Object.entries(s.orders.byOutcome)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }`,
    ],
    ['saga ms', `p50 ${fmtMs(s.orders.sagaP50)}, p99 ${fmtMs(s.orders.sagaP99)}`],
    ['shoppers / products', `${result.shoppers} / ${result.products}`],
    ['gateway', o.gatewayUrl],
  ];
  const violations = verdict.violations ?? [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ShopMesh load ${escapeHtml(result.runId)}</title><style>${STYLE}</style></head>
<body>
<h1>ShopMesh load run ${escapeHtml(result.runId)}</h1>
<p>${escapeHtml(new Date(result.startedAt).toISOString())} – ${escapeHtml(new Date(result.endedAt).toISOString())}</p>
<p class="verdict ${verdict.passed ? 'pass' : 'fail'}" id="verdict">${verdict.passed ? `PASS${verdict.maxErrorRate === undefined && s.errors > 0 ? ` (${s.errors} failed requests not judged: no error budget given)` : ''}` : `FAIL: ${escapeHtml(verdict.failures.join('; '))}`}
 · invariants: ${verdict.violations === undefined ? 'not checked' : `${violations.length} violation(s)`}</p>
<h2>Summary</h2>
${table(['figure', 'value'], figures, 'kv')}
${extraSections}<h2>Throughput (requests per second, by start)</h2>
<div id="chart-throughput">${lineChart({ title: 'throughput', yLabel: 'requests / s', series: series.throughput, ...time, counts: true })}</div>
<h2>Latency percentiles (ms, each second's requests; first request of a session from its scheduled arrival)</h2>
<div id="chart-latency">${lineChart({ title: 'latency', yLabel: 'ms', series: series.latency, ...time })}</div>
<h2>Errors over time, by status and code</h2>
<div id="chart-errors">${stackedBarChart({ title: 'errors', yLabel: 'errors / s', series: series.errors, ...time })}</div>
<h2>Saga time by placement second (ms, from the orders' status history)</h2>
<div id="chart-saga">${lineChart({ title: 'saga latency', yLabel: 'ms', series: series.saga, ...time })}</div>
<h2>Saga outcome mix</h2>
<div id="chart-outcomes">${outcomes.mix}</div>
<h2>Time to final</h2>
<div id="chart-time-to-final">${outcomes.histogram}</div>
${spans.length ? `<h2>Faults</h2>\n${spanTable(spans)}\n` : ''}<h2>Routes</h2>
${table(
  ['route', 'count', 'ok', 'errors', 'p50 ms', 'p99 ms'],
  s.routes.map((r) => [`${r.method} ${r.route}`, r.count, r.ok, r.errors, fmtMs(r.p50), fmtMs(r.p99)]),
)}
<h2>Errors by code</h2>
${
  s.errorsByCode.length
    ? table(
        ['status / code', 'count'],
        s.errorsByCode.map((e) => [e.code, e.count]),
      )
    : '<p>none</p>'
}
${
  marks.length
    ? `<h2>Events</h2>${table(
        ['at (s)', 'event'],
        marks.map((m) => [m.x.toFixed(1), m.label]),
      )}`
    : ''
}
<h2>Invariants</h2>
${
  verdict.violations === undefined
    ? '<p>not checked (no databases given)</p>'
    : violations.length
      ? table(
          ['invariant', 'rule', 'subject', 'detail'],
          violations.map((v) => [v.invariant, v.rule, v.subject, v.detail]),
        )
      : '<p>clean: no violation</p>'
}
${s.orders.notFinal.length ? `<h2>Orders not final</h2><p>${s.orders.notFinal.map((id) => `<code>${escapeHtml(id)}</code>`).join(' ')}</p>` : ''}
</body></html>
`;
}
