import { escapeHtml } from './escape-html';
import type { LoadSpan } from './records';

/** A span as the time charts draw it: seconds from the run's start, its lane and its kind's colour. */
export interface SpanBand {
  from: number;
  to: number;
  lane: number;
  kind: string;
  label: string;
  color: string;
}

/** The fault kinds the chaos runs know; any other kind takes a spare colour. */
const KIND_COLORS: Readonly<Record<string, string>> = {
  kill: '#dc2626',
  pause: '#f59e0b',
  'kafka-restart': '#7c3aed',
  'pg-terminate': '#2563eb',
  'redis-partition': '#db2777',
  'rpc-latency': '#0891b2',
  'rpc-loss': '#65a30d',
  'rpc-partition': '#9a3412',
  'slow-consumer': '#475569',
  poison: '#16a34a',
};
const SPARE_COLORS = ['#0d9488', '#a16207', '#4f46e5', '#be123c', '#15803d', '#6b7280', '#c026d3', '#ea580c'];

/** Height of one lane of the strip above a chart (its bar is 2 px less). */
const LANE_H = 12;
/** Space a chart with spans adds above its plot besides the lanes: the kinds' legend row and the gaps. */
const HEADROOM = 18;

/**
 * The lane of each span (in the order given): first fit by start, so spans that overlap in time
 * never share a lane and the lanes stay as few as the most spans at once. An instant (end ≤ start)
 * holds its lane for a millisecond, so two at the same moment stay apart.
 */
export function spanLanes(spans: ReadonlyArray<Pick<LoadSpan, 'start' | 'end'>>): number[] {
  const order = spans.map((_, i) => i).sort((a, b) => spans[a].start - spans[b].start || spans[a].end - spans[b].end);
  const laneEnds: number[] = [];
  const lanes: number[] = new Array<number>(spans.length).fill(0);
  for (const i of order) {
    const { start, end } = spans[i];
    const holds = end > start ? end : start + 1;
    const free = laneEnds.findIndex((e) => e <= start);
    lanes[i] = free >= 0 ? free : laneEnds.length;
    laneEnds[lanes[i]] = holds;
  }
  return lanes;
}

/** One colour per kind: the known kinds' own, spare ones for the rest in order of first appearance. */
export function kindColors(kinds: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  let spare = 0;
  for (const kind of kinds) {
    if (colors.has(kind)) continue;
    colors.set(kind, KIND_COLORS[kind] ?? SPARE_COLORS[spare++ % SPARE_COLORS.length]);
  }
  return colors;
}

/** The spans of a run that started at `t0` (epoch ms), laned and coloured for the charts. */
export function spanBandsOf(spans: readonly LoadSpan[], t0: number): SpanBand[] {
  const lanes = spanLanes(spans);
  const colors = kindColors(spans.map((s) => s.kind));
  return spans.map((s, i) => ({
    from: (s.start - t0) / 1000,
    to: (Math.max(s.start, s.end) - t0) / 1000,
    lane: lanes[i],
    kind: s.kind,
    label: s.label,
    color: colors.get(s.kind) ?? SPARE_COLORS[0],
  }));
}

/** The kinds of the bands with their colours, in order of first appearance. */
export const kindsOf = (bands: readonly SpanBand[]): Array<{ kind: string; color: string }> =>
  [...new Map(bands.map((b) => [b.kind, b.color])).entries()].map(([kind, color]) => ({ kind, color }));

const laneCount = (bands: readonly SpanBand[]): number => bands.reduce((n, b) => Math.max(n, b.lane + 1), 0);

/** How much taller a chart grows above its plot to hold the bands' legend and lanes (0 without bands). */
export const spanHeadroom = (bands: readonly SpanBand[]): number => (bands.length ? HEADROOM + laneCount(bands) * LANE_H : 0);

/** Where a chart's plot is: the bands are drawn across it, their lanes just above it. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Seconds the x axis spans. */
  seconds: number;
}

/**
 * The bands of a chart: `under`, faint across the plot (drawn before the data); `over`, the kinds'
 * legend and one bar per span in its lane above the plot, each with its label as a tooltip.
 */
export function spanLayers(bands: readonly SpanBand[], plot: PlotArea): { under: string; over: string } {
  if (bands.length === 0) return { under: '', over: '' };
  const lanes = laneCount(bands);
  const stripTop = plot.top - 8 - lanes * LANE_H;
  const px = (s: number) => plot.left + (Math.min(Math.max(s, 0), plot.seconds) / plot.seconds) * plot.width;
  const shown = bands.filter((b) => b.to >= 0 && b.from <= plot.seconds);
  const under: string[] = [];
  const over: string[] = [
    `<rect x="${plot.left}" y="${stripTop - 1}" width="${plot.width}" height="${lanes * LANE_H}" fill="#f9fafb"/>`,
  ];
  for (const b of shown) {
    const x = px(b.from);
    const w = Math.max(2, px(b.to) - x);
    const tip = `<title>${escapeHtml(`${b.kind}: ${b.label} (${b.from.toFixed(1)}–${b.to.toFixed(1)} s)`)}</title>`;
    const attrs = `x="${x.toFixed(1)}" width="${w.toFixed(1)}" fill="${b.color}" data-kind="${escapeHtml(b.kind)}" data-lane="${b.lane}"`;
    under.push(`<rect class="span-band" ${attrs} y="${plot.top}" height="${plot.height}" fill-opacity="0.12">${tip}</rect>`);
    const y = stripTop + b.lane * LANE_H;
    over.push(`<rect class="span-bar" ${attrs} y="${y}" height="${LANE_H - 2}" rx="2" fill-opacity="0.85">${tip}</rect>`);
    if (w >= b.label.length * 5.5 + 6)
      over.push(`<text x="${(x + 3).toFixed(1)}" y="${y + 8}" class="span-label">${escapeHtml(b.label)}</text>`);
  }
  let x = plot.left;
  const legendY = stripTop - 16;
  over.push(`<text x="${x}" y="${legendY + 9}" class="legend">faults:</text>`);
  x += 48;
  for (const { kind, color } of kindsOf(bands)) {
    over.push(
      `<rect x="${x}" y="${legendY}" width="10" height="10" fill="${color}" fill-opacity="0.85"/><text x="${x + 14}" y="${legendY + 9}" class="legend span-kind">${escapeHtml(kind)}</text>`,
    );
    x += 26 + kind.length * 6.6;
  }
  return { under: under.join(''), over: `<g class="spans">${over.join('')}</g>` };
}
