import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** Pause between attempts (ms, default 250). */
  intervalMs?: number;
  /**
   * Checked before each attempt: a non-empty string aborts the wait at once with that reason
   * (a server process that exited, say), instead of waiting for the timeout.
   */
  failIf?: () => string | undefined;
}

/**
 * Retries `probe` until it resolves `true`. A probe that throws counts as "not yet"; its last error
 * is quoted in the timeout error.
 *
 * @param what - what is awaited, for the error message ("Kafka at 127.0.0.1:9092")
 * @throws Error `"<what>: not ready after N s (last error: …)"`, or `"<what>: <reason>"` from `failIf`
 */
export async function waitUntil(what: string, probe: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = options.failIf?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(options.intervalMs ?? 250, Math.max(0, deadline - Date.now())));
  }
  const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`${what}: not ready after ${Math.round(options.timeoutMs / 1000)} s${why}`);
}

/**
 * Positional form of {@link waitUntil}, kept for existing callers (tools/platform).
 *
 * @throws Error `"<message>: not ready after N s"` once `timeoutMs` has passed
 */
export function waitFor(message: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<void> {
  return waitUntil(message, probe, { timeoutMs, intervalMs });
}
