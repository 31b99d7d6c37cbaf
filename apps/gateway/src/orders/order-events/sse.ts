import { AppError } from '@shopmesh/errors';

/** One Server-Sent Event: `id`, `event` and one `data` line of JSON (JSON never holds a raw newline). */
export const sseEvent = (id: number, event: string, data: unknown): string =>
  `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** A comment line: ignored by clients, it keeps proxies and load balancers from closing an idle stream. */
export const SSE_KEEP_ALIVE = ': keep-alive\n\n';

/** Tells the client how long to wait before reconnecting after the stream ends or breaks. */
export const sseRetry = (ms: number): string => `retry: ${ms}\n\n`;

/**
 * The sequence number to resume after, from `Last-Event-ID` (absent or empty: from the start).
 * Anything but a non-negative integer is `VALIDATION.FAILED` naming the header.
 */
export function lastEventIdOf(value: string | string[] | undefined): number {
  if (value === undefined || value === '') return 0;
  const text = Array.isArray(value) ? undefined : value.trim();
  const seq = text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new AppError('VALIDATION.FAILED', 'Invalid Last-Event-ID', [
      { field: 'Last-Event-ID', message: 'expected the id of an event of this stream (a non-negative integer)' },
    ]);
  }
  return seq;
}
