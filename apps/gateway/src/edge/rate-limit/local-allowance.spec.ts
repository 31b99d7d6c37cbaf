import { LocalAllowance } from './local-allowance';
import type { RateLimitWindow } from './rate-limiter';

/** A shared store on a fake clock: one counter per key, fixed windows. */
class FakeStore {
  readonly counters = new Map<string, { hits: number; endsAt: number }>();
  readonly calls: Array<[string, number]> = [];
  down = false;
  constructor(private readonly clock: { now: number }) {}

  add = (key: string, windowMs: number, count: number): Promise<RateLimitWindow> => {
    this.calls.push([key, count]);
    if (this.down) return Promise.reject(new Error('Connection is closed.'));
    let c = this.counters.get(key);
    if (!c || this.clock.now >= c.endsAt) c = { hits: 0, endsAt: this.clock.now + windowMs };
    c.hits += count;
    this.counters.set(key, c);
    return Promise.resolve({ hits: c.hits, resetMs: c.endsAt - this.clock.now });
  };
}

const SYNC_MS = 100;
const WINDOW_MS = 60_000;

describe(LocalAllowance.name, () => {
  let clock: { now: number };
  let store: FakeStore;
  let healthy: boolean;
  let sut: LocalAllowance;

  beforeEach(() => {
    jest.useFakeTimers();
    clock = { now: 1_000_000 };
    store = new FakeStore(clock);
    healthy = true;
    sut = new LocalAllowance(
      store.add,
      SYNC_MS,
      () => healthy,
      () => clock.now,
    );
  });
  afterEach(() => jest.useRealTimers());

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  const tick = async (ms: number): Promise<void> => {
    clock.now += ms;
    jest.advanceTimersByTime(ms);
    await settle();
  };

  /** Two answers of the store in a row make a key busy: counted locally from then on. */
  const busy = async (key: string, windowMs = WINDOW_MS): Promise<void> => {
    await sut.hit(key, windowMs);
    await sut.hit(key, windowMs);
  };

  it('asks the store for a new key, then counts it locally once busy and sends the hits together', async () => {
    await expect(sut.hit('k', WINDOW_MS)).resolves.toEqual({ hits: 1, resetMs: WINDOW_MS });
    await expect(sut.hit('k', WINDOW_MS)).resolves.toEqual({ hits: 2, resetMs: WINDOW_MS });
    const local = [await sut.hit('k', WINDOW_MS), await sut.hit('k', WINDOW_MS), await sut.hit('k', WINDOW_MS)];
    expect(local.map((w) => w.hits)).toEqual([3, 4, 5]);
    expect(store.calls).toEqual([
      ['k', 1],
      ['k', 1],
    ]);
    await tick(SYNC_MS);
    expect(store.calls.at(-1)).toEqual(['k', 3]);
    expect(store.counters.get('k')?.hits).toBe(5);
  });

  it('keeps asking the store for a caller that is not busy (one request now and then)', async () => {
    await sut.hit('slow', WINDOW_MS);
    await tick(4 * SYNC_MS);
    await sut.hit('slow', WINDOW_MS);
    await tick(4 * SYNC_MS);
    await sut.hit('slow', WINDOW_MS);
    expect(store.calls).toHaveLength(3);
  });

  it('sees the hits other instances sent at the next sync', async () => {
    await busy('k');
    await sut.hit('k', WINDOW_MS);
    await store.add('k', WINDOW_MS, 10); // another gateway instance
    await tick(SYNC_MS);
    await expect(sut.hit('k', WINDOW_MS)).resolves.toMatchObject({ hits: 14 });
  });

  it('answers a count past the limit locally, so the guard refuses without a round trip', async () => {
    const limit = 3;
    const hits: number[] = [];
    for (let i = 0; i < 6; i++) hits.push((await sut.hit('k', WINDOW_MS)).hits);
    expect(hits.filter((h) => h > limit)).toHaveLength(3);
    expect(store.calls).toHaveLength(2);
  });

  it('asks the store again for a key it has not heard about for a while, or whose window ended', async () => {
    await busy('quiet', 1000);
    await tick(4 * SYNC_MS);
    await sut.hit('quiet', 1000);
    expect(store.calls).toHaveLength(3);
    await tick(1000);
    await expect(sut.hit('quiet', 1000)).resolves.toEqual({ hits: 1, resetMs: 1000 });
  });

  it('goes to the store (and its failure) when unhealthy, after a failed sync, or once cleared', async () => {
    await busy('k');
    healthy = false;
    await sut.hit('k', WINDOW_MS);
    expect(store.calls).toHaveLength(3);
    healthy = true;
    await sut.hit('k', WINDOW_MS); // local
    expect(store.calls).toHaveLength(3);
    store.down = true;
    await tick(SYNC_MS); // the sync fails: the key is forgotten
    await expect(sut.hit('k', WINDOW_MS)).rejects.toThrow('Connection is closed.');
    store.down = false;
    await busy('k');
    sut.clear();
    await sut.hit('k', WINDOW_MS);
    // 3 asked, the failed sync, the refused hit, 2 to be busy again, 1 after clear()
    expect(store.calls).toHaveLength(8);
  });

  it('sends what is pending on flush', async () => {
    await busy('k');
    await sut.hit('k', WINDOW_MS);
    await sut.hit('k', WINDOW_MS);
    await sut.flush();
    expect(store.counters.get('k')?.hits).toBe(4);
  });
});
