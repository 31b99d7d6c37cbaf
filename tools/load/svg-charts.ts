/** Hand-rolled SVG charts for the load report: no library, no network, readable in any browser. */
import { escapeHtml } from './escape-html';
import { spanHeadroom, spanLayers, type SpanBand } from './span-bands';

export const PALETTE = [
  '#2563eb',
  '#16a34a',
  '#dc2626',
  '#f59e0b',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#9a3412',
  '#475569',
];

export interface Series {
  name: string;
  color: string;
  /** One value per second (null: no sample that second). */
  values: ReadonlyArray<number | null>;
  /** A wider, paler line (to show a total behind the lines it splits into). */
  underlay?: boolean;
}

export interface Marker {
  /** Seconds from the start of the run. */
  x: number;
  label: string;
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const FRAME: Frame = { width: 1160, height: 300, left: 64, right: 16, top: 36, bottom: 40 };

/** The time charts' frame, grown above the plot for the span lanes (the plot keeps its size). */
const timeFrame = (spans: readonly SpanBand[]): Frame => {
  const extra = spanHeadroom(spans);
  return { ...FRAME, top: FRAME.top + extra, height: FRAME.height + extra };
};

const spanLayersOf = (f: Frame, seconds: number, spans: readonly SpanBand[]) =>
  spanLayers(spans, {
    left: f.left,
    top: f.top,
    width: f.width - f.left - f.right,
    height: f.height - f.top - f.bottom,
    seconds,
  });

/** The y axis of a count: at least 5, so its ticks are whole numbers. */
const countMax = (v: number): number => Math.max(5, niceMax(v));

/** A "nice" upper bound for an axis (1, 2, 2.5 or 5 × a power of ten). */
export function niceMax(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(v < 1 ? 2 : 1));

function axes(f: Frame, xMax: number, yMax: number, yLabel: string, xLabel: string): string {
  const plotW = f.width - f.left - f.right;
  const plotH = f.height - f.top - f.bottom;
  const parts: string[] = [];
  for (let i = 0; i <= 5; i += 1) {
    const y = f.top + plotH - (i / 5) * plotH;
    parts.push(`<line x1="${f.left}" x2="${f.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${f.left - 6}" y="${y + 4}" text-anchor="end" class="tick">${num((yMax * i) / 5)}</text>`);
  }
  const step = niceMax(xMax / 10) || 1;
  for (let x = 0; x <= xMax; x += step) {
    const px = f.left + (x / Math.max(1, xMax)) * plotW;
    parts.push(`<line x1="${px}" x2="${px}" y1="${f.top + plotH}" y2="${f.top + plotH + 4}" stroke="#6b7280"/>`);
    parts.push(`<text x="${px}" y="${f.top + plotH + 16}" text-anchor="middle" class="tick">${num(x)}</text>`);
  }
  parts.push(`<line x1="${f.left}" x2="${f.left + plotW}" y1="${f.top + plotH}" y2="${f.top + plotH}" stroke="#6b7280"/>`);
  parts.push(
    `<text x="${f.left + plotW / 2}" y="${f.height - 4}" text-anchor="middle" class="axis">${escapeHtml(xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${f.top + plotH / 2}) rotate(-90)" text-anchor="middle" class="axis">${escapeHtml(yLabel)}</text>`,
  );
  return parts.join('');
}

function legend(f: Frame, items: ReadonlyArray<{ name: string; color: string }>): string {
  let x = f.left;
  return items
    .map((s) => {
      const out = `<rect x="${x}" y="10" width="12" height="12" fill="${s.color}"/><text x="${x + 16}" y="20" class="legend">${escapeHtml(s.name)}</text>`;
      x += 30 + s.name.length * 7.6;
      return out;
    })
    .join('');
}

function markers(f: Frame, xMax: number, list: readonly Marker[]): string {
  const plotW = f.width - f.left - f.right;
  return list
    .filter((m) => m.x >= 0 && m.x <= xMax)
    .map((m) => {
      const px = f.left + (m.x / Math.max(1, xMax)) * plotW;
      return (
        `<g class="marker"><line x1="${px}" x2="${px}" y1="${f.top}" y2="${f.height - f.bottom}" stroke="#111827" stroke-dasharray="4 3"/>` +
        `<text transform="translate(${px + 3} ${f.top + 4}) rotate(90)" class="marker-label">${escapeHtml(m.label)}</text></g>`
      );
    })
    .join('');
}

const svg = (f: Frame, title: string, body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeHtml(title)}">${body}</svg>`;

/** Lines over time, one point per second. */
export function lineChart(opts: {
  title: string;
  yLabel: string;
  series: readonly Series[];
  seconds: number;
  markers?: readonly Marker[];
  /** Faults that lasted: bands across the plot, in lanes above it. */
  spans?: readonly SpanBand[];
  /** The values are counts: whole-number ticks. */
  counts?: boolean;
}): string {
  const f = timeFrame(opts.spans ?? []);
  const yMax = (opts.counts ? countMax : niceMax)(
    Math.max(0, ...opts.series.flatMap((s) => s.values.filter((v): v is number => v !== null))),
  );
  const plotW = f.width - f.left - f.right;
  const plotH = f.height - f.top - f.bottom;
  const xMax = Math.max(1, opts.seconds);
  const px = (i: number) => f.left + ((i + 0.5) / xMax) * plotW;
  const py = (v: number) => f.top + plotH - (v / yMax) * plotH;
  const paths = opts.series.map((s) => {
    let d = '';
    let dots = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${px(i).toFixed(1)},${py(v).toFixed(1)}`;
      pen = true;
      // a point with no neighbour draws no line: mark it
      if ((s.values[i - 1] ?? null) === null && (s.values[i + 1] ?? null) === null)
        dots += `<circle cx="${px(i).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3" fill="${s.color}"/>`;
    });
    const stroke = s.underlay ? 'stroke-width="6" stroke-opacity="0.35"' : 'stroke-width="2"';
    if (!d) return '';
    return `<path d="${d}" fill="none" stroke="${s.color}" ${stroke} stroke-linejoin="round" data-series="${escapeHtml(s.name)}"/>${dots}`;
  });
  const empty = paths.every((p) => !p)
    ? `<text x="${f.left + plotW / 2}" y="${f.top + plotH / 2}" text-anchor="middle" class="empty">none</text>`
    : '';
  const spans = spanLayersOf(f, xMax, opts.spans ?? []);
  return svg(
    f,
    opts.title,
    spans.under +
      axes(f, xMax, yMax, opts.yLabel, 'seconds since start') +
      paths.join('') +
      empty +
      legend(f, opts.series) +
      spans.over +
      markers(f, xMax, opts.markers ?? []),
  );
}

/** Stacked bars over time, one bar per second. */
export function stackedBarChart(opts: {
  title: string;
  yLabel: string;
  series: readonly Series[];
  seconds: number;
  markers?: readonly Marker[];
  spans?: readonly SpanBand[];
}): string {
  const f = timeFrame(opts.spans ?? []);
  const xMax = Math.max(1, opts.seconds);
  const totals = Array.from({ length: xMax }, (_, i) => opts.series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const yMax = countMax(Math.max(0, ...totals));
  const plotW = f.width - f.left - f.right;
  const plotH = f.height - f.top - f.bottom;
  const w = plotW / xMax;
  const bars: string[] = [];
  for (let i = 0; i < xMax; i += 1) {
    let base = 0;
    for (const s of opts.series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const h = (v / yMax) * plotH;
      const y = f.top + plotH - (base / yMax) * plotH - h;
      bars.push(
        `<rect x="${(f.left + i * w + w * 0.1).toFixed(1)}" y="${y.toFixed(1)}" width="${(w * 0.8).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${escapeHtml(`${s.name}: ${v} at ${i} s`)}</title></rect>`,
      );
      base += v;
    }
  }
  const empty = totals.every((t) => t === 0)
    ? `<text x="${f.left + plotW / 2}" y="${f.top + plotH / 2}" text-anchor="middle" class="empty">none</text>`
    : '';
  const spans = spanLayersOf(f, xMax, opts.spans ?? []);
  return svg(
    f,
    opts.title,
    spans.under +
      axes(f, xMax, yMax, opts.yLabel, 'seconds since start') +
      bars.join('') +
      empty +
      legend(f, opts.series) +
      spans.over +
      markers(f, xMax, opts.markers ?? []),
  );
}

/** Horizontal bars: one labelled bar per item, its count and share written beside it. */
export function barList(opts: { title: string; items: ReadonlyArray<{ label: string; value: number; color: string }> }): string {
  const rowH = 28;
  const f: Frame = {
    width: 1160,
    height: 20 + rowH * Math.max(1, opts.items.length),
    left: 260,
    right: 160,
    top: 10,
    bottom: 10,
  };
  const total = opts.items.reduce((s, i) => s + i.value, 0);
  const max = Math.max(1, ...opts.items.map((i) => i.value));
  const plotW = f.width - f.left - f.right;
  const rows = opts.items.map((item, i) => {
    const y = f.top + i * rowH;
    const w = (item.value / max) * plotW;
    const share = total ? ((item.value / total) * 100).toFixed(1) : '0';
    return (
      `<text x="${f.left - 8}" y="${y + 18}" text-anchor="end" class="legend">${escapeHtml(item.label)}</text>` +
      `<rect x="${f.left}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${item.color}"/>` +
      `<text x="${f.left + w + 6}" y="${y + 18}" class="legend">${item.value} (${share} %)</text>`
    );
  });
  return svg(f, opts.title, rows.join('') || `<text x="20" y="30" class="empty">none</text>`);
}

/** A histogram with labelled buckets, stacked by series. */
export function histogramChart(opts: {
  title: string;
  xLabel: string;
  buckets: readonly string[];
  series: readonly Series[];
}): string {
  const f: Frame = { ...FRAME, bottom: 48 };
  const n = opts.buckets.length;
  const totals = opts.buckets.map((_, i) => opts.series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const yMax = countMax(Math.max(0, ...totals));
  const plotW = f.width - f.left - f.right;
  const plotH = f.height - f.top - f.bottom;
  const w = plotW / Math.max(1, n);
  const parts: string[] = [];
  for (let i = 0; i <= 5; i += 1) {
    const y = f.top + plotH - (i / 5) * plotH;
    parts.push(`<line x1="${f.left}" x2="${f.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${f.left - 6}" y="${y + 4}" text-anchor="end" class="tick">${num((yMax * i) / 5)}</text>`);
  }
  opts.buckets.forEach((label, i) => {
    let base = 0;
    for (const s of opts.series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const h = (v / yMax) * plotH;
      parts.push(
        `<rect x="${(f.left + i * w + w * 0.1).toFixed(1)}" y="${(f.top + plotH - (base / yMax) * plotH - h).toFixed(1)}" width="${(w * 0.8).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${escapeHtml(`${s.name} ${label}: ${v}`)}</title></rect>`,
      );
      base += v;
    }
    parts.push(
      `<text x="${f.left + i * w + w / 2}" y="${f.top + plotH + 16}" text-anchor="middle" class="tick">${escapeHtml(label)}</text>`,
    );
  });
  parts.push(`<line x1="${f.left}" x2="${f.left + plotW}" y1="${f.top + plotH}" y2="${f.top + plotH}" stroke="#6b7280"/>`);
  parts.push(
    `<text x="${f.left + plotW / 2}" y="${f.height - 6}" text-anchor="middle" class="axis">${escapeHtml(opts.xLabel)}</text>`,
  );
  return svg(f, opts.title, parts.join('') + legend(f, opts.series));
}
