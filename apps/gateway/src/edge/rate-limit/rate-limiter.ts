/** The state of one caller's window after counting a request. */
export interface RateLimitWindow {
  /** Requests counted in the window, this one included. */
  hits: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
}

/** Counts a request against a key's window. Rejects when the store cannot answer in time. */
export interface RateLimiter {
  hit(key: string, windowMs: number): Promise<RateLimitWindow>;
}
