/**
 * HTTP load for the gateway benchmark: open loop at a fixed rate (requests leave on a schedule,
 * whether or not earlier ones have been answered) and closed loop at saturation (autocannon,
 * `connections` requests in flight). Latencies are kept exactly (float ms), 2xx responses only.
 *
 * Why not autocannon's `overallRate` for the fixed rates: it is a per-connection quota per second,
 * sent back to back as fast as answers come, so the load arrives in bursts at full concurrency at
 * the start of every second; and its coordinated-omission correction assumes a 1 ms interval
 * (`Math.ceil(1 / rate)`), adding synthetic samples that move the percentiles. Its reported
 * latencies are also whole milliseconds, too coarse for sub-millisecond answers.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { percentile } from './stats';

export interface HttpTarget {
  url: string;
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** 2xx answers per second over the run. */
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Non-2xx status codes and request errors (`ECONNRESET`, `timeout`…), with their counts. */
  failures: Record<string, number>;
  seconds: number;
}

class Outcomes {
  readonly latencies: number[] = [];
  readonly failures: Record<string, number> = {};
  non2xx = 0;
  errors = 0;

  /** `code`: the problem+json code of a refusal, when the body was read. */
  response(status: number, latencyMs: number, code?: string): void {
    if (status >= 200 && status < 300) this.latencies.push(latencyMs);
    else {
      this.non2xx += 1;
      const key = code ? `${status} ${code}` : String(status);
      this.failures[key] = (this.failures[key] ?? 0) + 1;
    }
  }

  error(error: unknown): void {
    this.errors += 1;
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    const key = typeof code === 'string' ? code : typeof message === 'string' ? message : 'error';
    this.failures[key] = (this.failures[key] ?? 0) + 1;
  }

  result(seconds: number): LoadResult {
    const { latencies, non2xx, errors, failures } = this;
    return {
      rps: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      ok: latencies.length,
      non2xx,
      errors,
      failures,
      seconds,
    };
  }
}

const problemCode = (body: Buffer[]): string | undefined => {
  if (body.length === 0) return undefined;
  try {
    const { code } = JSON.parse(Buffer.concat(body).toString()) as { code?: unknown };
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
};

/**
 * `rate` requests per second for `seconds`, on keep-alive connections (as many as needed, up to 512;
 * past that, requests wait for a connection and the wait counts in their latency).
 */
export async function openLoop(target: HttpTarget, rate: number, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const outcomes = new Outcomes();
  const one = (): Promise<void> =>
    new Promise((done) => {
      const sent = performance.now();
      const req = request(target.url, { agent, headers: target.headers, timeout: 10_000 }, (res) => {
        const status = res.statusCode ?? 0;
        const body: Buffer[] = [];
        if (status >= 200 && status < 300) res.resume();
        else res.on('data', (chunk: Buffer) => body.push(chunk));
        res.once('end', () => {
          outcomes.response(status, performance.now() - sent, problemCode(body));
          done();
        });
      });
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', (error) => {
        outcomes.error(error);
        done();
      });
      req.end();
    });
  const total = Math.round(rate * seconds);
  const pending: Array<Promise<void>> = [];
  const started = performance.now();
  const dueAt = (i: number): number => started + (i * 1000) / rate;
  while (pending.length < total) {
    while (pending.length < total && dueAt(pending.length) <= performance.now()) pending.push(one());
    if (pending.length < total) await sleep(Math.max(0, dueAt(pending.length) - performance.now()));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return outcomes.result(elapsed);
}

/** As many requests as `connections` keep-alive connections can carry, for `seconds` (autocannon). */
export function closedLoop(target: HttpTarget, connections: number, seconds: number): Promise<LoadResult> {
  const outcomes = new Outcomes();
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url: target.url, headers: target.headers, connections, duration: seconds }, (error, result) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(outcomes.result(result.duration));
    });
    instance.on('response', (_client, status, _bytes, responseTime) => outcomes.response(status, responseTime));
    instance.on('reqError', (error) => outcomes.error(error));
  });
}
