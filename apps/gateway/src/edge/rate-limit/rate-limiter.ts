/** The state of one caller's window after counting a request. */
export interface RateLimitWindow {
  /** Requests counted in the window, this one included. */
  hits: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
}

/**
 * `exact`: every hit is counted in the store before the answer (one round trip each).
 * `batched`: a hot key's hits may be counted in the process and sent to the store together a
 * moment later (`LocalAllowance`), for policies where a small overshoot across instances is fine.
 */
export type RateLimitCounting = 'exact' | 'batched';

/** Counts a request against a key's window. Rejects when the store cannot answer in time. */
export interface RateLimiter {
  hit(key: string, windowMs: number, counting?: RateLimitCounting): Promise<RateLimitWindow>;
}
