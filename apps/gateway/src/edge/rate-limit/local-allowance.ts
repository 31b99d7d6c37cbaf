import type { RateLimitWindow } from './rate-limiter';

/** Adds `count` hits to a key's window in the shared store and answers the window's total. */
export type AddHits = (key: string, windowMs: number, count: number) => Promise<RateLimitWindow>;

interface LocalWindow {
  windowMs: number;
  /** The store's count at the last answer (every instance's hits it had received). */
  counted: number;
  /** Hits sent to the store, not answered yet. */
  inFlight: number;
  /** Hits counted here since, not sent yet. */
  pending: number;
  /** When the window ends (local clock, from the store's TTL). */
  endsAt: number;
  /** When the store last answered for this key. */
  syncedAt: number;
  /** The store answered twice for this key within `3 × syncMs`: its next hits may be counted here. */
  busy: boolean;
}

/**
 * Counts a hot key's hits in the process and sends them to the shared store (Redis) together,
 * every `syncMs`, instead of one round trip per request: for policies where a small overshoot
 * across instances is acceptable (reads). A key is counted locally only once it is busy (the store
 * answered for it twice within `3 × syncMs`), while the store answered for it within the last
 * `3 × syncMs` and while `isHealthy()`; otherwise (a new caller, a quiet one, a window that ended,
 * a failed sync, a lost connection) the hit goes to the store at once, exactly as without this
 * class, and its failure is the policy's to handle. So a caller's first requests, and those of a
 * caller slower than a few per `3 × syncMs`, always make their round trip: only a busy caller
 * is counted here, and a store that stops answering is noticed within one sync.
 *
 * Accuracy: every hit reaches the store within ~`syncMs` (unless the store fails, when the
 * unsent ones are dropped: such policies fail open anyway); each instance decides on its own hits
 * exactly and on the others' as the store counted them at most `3 × syncMs` ago. So with `n`
 * instances a caller can exceed the limit by at most what the other `n − 1` instances admit in
 * about `3 × syncMs`; with one instance, by nothing but the hits of one sync in flight.
 */
export class LocalAllowance {
  private readonly windows = new Map<string, LocalWindow>();
  private timer?: NodeJS.Timeout;
  private syncing = false;

  constructor(
    private readonly add: AddHits,
    private readonly syncMs: number,
    private readonly isHealthy: () => boolean = () => true,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string, windowMs: number): Promise<RateLimitWindow> {
    const now = this.now();
    const w = this.windows.get(key);
    if (w && w.busy && now < w.endsAt && now - w.syncedAt <= 3 * this.syncMs && this.isHealthy()) {
      w.pending += 1;
      this.schedule();
      return Promise.resolve({ hits: w.counted + w.inFlight + w.pending, resetMs: w.endsAt - now });
    }
    return this.add(key, windowMs, 1).then((window) => {
      this.answered(key, windowMs, window);
      return window;
    });
  }

  /** Forgets every local count (the store's connection was lost): the next hits go to the store. */
  clear(): void {
    this.windows.clear();
  }

  /** Sends what is pending (shutdown); stops the timer. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.sync();
  }

  private answered(key: string, windowMs: number, window: RateLimitWindow): void {
    const now = this.now();
    const w = this.windows.get(key);
    if (w && now < w.endsAt) {
      w.busy = now - w.syncedAt <= 3 * this.syncMs;
      w.counted = Math.max(w.counted, window.hits);
      w.endsAt = now + window.resetMs;
      w.syncedAt = now;
      return;
    }
    this.windows.set(key, {
      windowMs,
      counted: window.hits,
      inFlight: 0,
      pending: 0,
      endsAt: now + window.resetMs,
      syncedAt: now,
      busy: false,
    });
  }

  private schedule(): void {
    if (this.timer || this.syncing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, this.syncMs);
    this.timer.unref();
  }

  private async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    const now = this.now();
    const sent: Array<Promise<void>> = [];
    for (const [key, w] of this.windows) {
      if (now >= w.endsAt || (w.pending === 0 && now - w.syncedAt > 3 * this.syncMs)) {
        this.windows.delete(key); // ended, or quiet: its next hit asks the store
        continue;
      }
      if (w.pending === 0) continue;
      const count = w.pending;
      w.pending = 0;
      w.inFlight = count;
      sent.push(
        this.add(key, w.windowMs, count).then(
          (window) => {
            const at = this.now();
            w.inFlight = 0;
            w.counted = window.hits;
            w.endsAt = at + window.resetMs;
            w.syncedAt = at;
          },
          () => void this.windows.delete(key), // the store failed: count this key there again
        ),
      );
    }
    await Promise.all(sent);
    this.syncing = false;
    if ([...this.windows.values()].some((w) => w.pending > 0)) this.schedule();
  }
}
