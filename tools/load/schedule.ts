import type { Random } from './random';

/** How arrivals are spaced: exponential gaps (a Poisson process, as independent shoppers arrive) or a fixed interval. */
export type ArrivalProcess = 'poisson' | 'fixed';

/**
 * The offsets (ms from the start) at which sessions arrive, at `rate` per second on average for
 * `durationMs`: decided up front by the clock and the seed, never by how fast the system answers.
 */
export function arrivalOffsets(rate: number, durationMs: number, random: Random, process: ArrivalProcess = 'poisson'): number[] {
  if (!(rate > 0) || !(durationMs > 0)) return [];
  const mean = 1000 / rate;
  const offsets: number[] = [];
  for (let t = process === 'fixed' ? 0 : -Math.log(1 - random()) * mean; t < durationMs;) {
    offsets.push(t);
    t += process === 'fixed' ? mean : -Math.log(1 - random()) * mean;
  }
  return offsets;
}

/** Time as the scheduler sees it (a fake one in tests). */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface OpenLoopOptions {
  /** Offsets from `startAt` (ascending). */
  offsets: readonly number[];
  clock: Clock;
  startAt: number;
  /** At most this many sessions run at once; an arrival beyond it is dropped (counted), never queued. */
  maxInFlight: number;
  /** An arrival dispatched this much after its time counts as late (the generator itself fell behind). */
  lateAfterMs?: number;
  signal?: AbortSignal;
  /** Told of each arrival dropped for the in-flight bound (its due time). */
  onDrop?: (index: number, scheduledAt: number) => void;
  /** Runs one session; `scheduledAt` is the clock time it was due (latency is measured from there). */
  session(index: number, scheduledAt: number): Promise<void>;
}

export interface OpenLoopCounts {
  scheduled: number;
  started: number;
  /** Arrivals not started because `maxInFlight` sessions were running. */
  dropped: number;
  /** Arrivals started more than `lateAfterMs` after their time. */
  late: number;
  maxLateMs: number;
  /** Arrivals not reached because the run was aborted. */
  aborted: number;
}

/**
 * Open-loop dispatch: each session starts at its scheduled time whether or not earlier ones have
 * answered (no coordinated omission); resolves when every started session has ended.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopCounts> {
  const { offsets, clock, startAt, maxInFlight, lateAfterMs = 50, signal } = options;
  const counts: OpenLoopCounts = { scheduled: offsets.length, started: 0, dropped: 0, late: 0, maxLateMs: 0, aborted: 0 };
  const running = new Set<Promise<void>>();
  for (let i = 0; i < offsets.length; i += 1) {
    const due = startAt + offsets[i];
    const wait = due - clock.now();
    if (wait > 0) await clock.sleep(wait);
    if (signal?.aborted) {
      counts.aborted = offsets.length - i;
      break;
    }
    const lateMs = Math.max(0, clock.now() - due);
    counts.maxLateMs = Math.max(counts.maxLateMs, lateMs);
    if (lateMs > lateAfterMs) counts.late += 1;
    if (running.size >= maxInFlight) {
      counts.dropped += 1;
      options.onDrop?.(i, due);
      continue;
    }
    counts.started += 1;
    const run: Promise<void> = options
      .session(i, due)
      .catch(() => undefined)
      .finally(() => running.delete(run));
    running.add(run);
  }
  await Promise.all([...running]);
  return counts;
}
