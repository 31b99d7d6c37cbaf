/**
 * At most one run per key in flight in this process: callers arriving while it runs share its result
 * (or its failure). Keeps a cold hot key from sending every concurrent reader to the database.
 */
export class SingleFlight {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = Promise.resolve().then(work);
    this.inFlight.set(key, started);
    const forget = (): void => {
      if (this.inFlight.get(key) === started) this.inFlight.delete(key);
    };
    started.then(forget, forget);
    return started;
  }

  /** Later callers start a new run (those in flight keep theirs). */
  clear(): void {
    this.inFlight.clear();
  }

  get size(): number {
    return this.inFlight.size;
  }
}
