export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before letting one probe through. */
  openMs: number;
}

/**
 * Circuit breaker of one instance. Closed: calls pass; `failureThreshold` consecutive transport
 * failures open it. Open: the instance is out of rotation for `openMs`. Half-open: one probe call
 * is let through; success closes the breaker, failure opens it again.
 *
 * Hand-written rather than opossum: a breaker here is a property of an instance that the balancer
 * consults before choosing it (opossum wraps one function call, and its published types lag v10).
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';

  /** `options` is read at each use: thresholds changed at run time apply from the next call. */
  constructor(
    private readonly options: () => BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options().openMs) this.current = 'half-open';
    return this.current;
  }

  /** True if a call may go to this instance now (in half-open, only one probe at a time). */
  canPass(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    return state === 'half-open' && !this.probing;
  }

  /** Call right before sending: marks the probe in half-open. */
  onSend(): void {
    if (this.state === 'half-open') this.probing = true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.probing = false;
    this.current = 'closed';
  }

  onFailure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.options().failureThreshold) {
      this.current = 'open';
      this.openedAt = this.now();
    }
  }
}
