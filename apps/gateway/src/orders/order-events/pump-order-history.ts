import { setTimeout as sleep } from 'node:timers/promises';
import type { OrderHistory } from '@shopmesh/contracts';
import { SSE_KEEP_ALIVE, sseEvent } from './sse';

export interface PumpOptions {
  /** Entries after `after`, waiting (long poll) for one if there is none yet. */
  history: (after: number) => Promise<OrderHistory>;
  /** Writes to the stream. */
  write: (chunk: string) => void;
  /** Aborted when the client disconnects or the gateway shuts down. */
  signal: AbortSignal;
  /** The sequence number to resume after. */
  after: number;
  keepAliveMs: number;
  /** A long poll that answers empty sooner than this is followed by a pause of this long (no hot loop). */
  minPollMs?: number;
}

/** How a stream ended: the order is final, the client (or the gateway) went away, or orders failed. */
export type PumpEnd = { reason: 'final' | 'aborted' } | { reason: 'failed'; error: unknown };

/**
 * Pumps an order's history into an SSE stream: one `status` event per entry (`id` = its `seq`), a
 * keep-alive comment while nothing happens, until the order is final. Orders is the source of
 * truth, so any gateway instance can serve (or resume) any stream.
 */
export async function pumpOrderHistory(options: PumpOptions): Promise<PumpEnd> {
  const { signal, write } = options;
  const minPollMs = options.minPollMs ?? 250;
  const keepAlive = setInterval(() => write(SSE_KEEP_ALIVE), options.keepAliveMs);
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  let after = options.after;
  try {
    while (!signal.aborted) {
      const startedAt = Date.now();
      let answer: OrderHistory | 'aborted';
      try {
        answer = await Promise.race([options.history(after), aborted]);
      } catch (error) {
        return { reason: 'failed', error };
      }
      if (answer === 'aborted') break;
      for (const entry of answer.entries) {
        if (entry.seq <= after) continue;
        write(sseEvent(entry.seq, 'status', entry));
        after = entry.seq;
      }
      if (answer.final) return { reason: 'final' };
      if (answer.entries.length === 0 && Date.now() - startedAt < minPollMs) {
        await Promise.race([sleep(minPollMs), aborted]);
      }
    }
    return { reason: 'aborted' };
  } finally {
    clearInterval(keepAlive);
  }
}
