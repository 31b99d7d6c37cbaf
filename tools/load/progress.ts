import type { OrderRecord, RequestRecord } from './records';
import { percentile } from './stats';

/** The live figures of a run (the progress line). */
export interface Progress {
  elapsedS: number;
  /** Requests answered or failed so far, plus those in flight. */
  sent: number;
  /** Requests completed in the last second. */
  lastSecond: number;
  inFlight: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  timeouts: number;
  /** p50 and p99 (ms) of the requests completed in the last second. */
  p50: number;
  p99: number;
  placed: number;
  confirmed: number;
  cancelled: number;
}

export function progressOf(input: {
  requests: readonly RequestRecord[];
  orders: readonly OrderRecord[];
  startedAt: number;
  now: number;
  inFlight: number;
}): Progress {
  const { requests, orders, now } = input;
  const recent: number[] = [];
  for (let i = requests.length - 1; i >= 0; i -= 1) {
    const r = requests[i];
    if (r.startedAt + r.ms < now - 1000) break;
    recent.push(r.ms);
  }
  const count = (outcomes: string[]) => requests.filter((r) => outcomes.includes(r.outcome)).length;
  const final = orders.filter((o) => o.terminalSeenAt !== undefined);
  return {
    elapsedS: Math.max(0, (now - input.startedAt) / 1000),
    sent: requests.length + input.inFlight,
    lastSecond: recent.length,
    inFlight: input.inFlight,
    ok: count(['ok']),
    clientErrors: count(['client-error', 'rate-limited', 'mismatch']),
    serverErrors: count(['server-error']),
    timeouts: count(['timeout', 'network']),
    p50: percentile(recent, 50),
    p99: percentile(recent, 99),
    placed: orders.length,
    confirmed: final.filter((o) => o.status === 'CONFIRMED').length,
    cancelled: final.filter((o) => o.status === 'CANCELLED').length,
  };
}

const ms = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)}` : '-');

/** One line for a terminal (`\r`-rewritten on stderr). */
export const formatProgress = (p: Progress): string =>
  `${p.elapsedS.toFixed(0).padStart(4)}s sent ${p.sent} (${p.lastSecond}/s) in flight ${p.inFlight} | ` +
  `ok ${p.ok} 4xx ${p.clientErrors} 5xx ${p.serverErrors} timeout ${p.timeouts} | ` +
  `p50 ${ms(p.p50)} p99 ${ms(p.p99)} ms | orders ${p.placed} confirmed ${p.confirmed} cancelled ${p.cancelled}`;
