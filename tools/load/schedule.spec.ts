import { seededRandom } from './random';
import { arrivalOffsets, runOpenLoop, type Clock } from './schedule';

/** A clock that moves only when the test says so; due sleeps resolve in time order. */
class FakeClock implements Clock {
  private t = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];
  now = (): number => this.t;
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.t + ms, resolve }));
  }
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      await flush();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = next.at;
      next.resolve();
    }
    this.t = target;
    await flush();
  }
}
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe(arrivalOffsets.name, () => {
  it('spaces fixed arrivals evenly', () => {
    expect(arrivalOffsets(4, 1000, seededRandom(1), 'fixed')).toEqual([0, 250, 500, 750]);
  });

  it('draws Poisson arrivals at the rate on average, the same for the same seed', () => {
    const sut = arrivalOffsets(50, 600_000, seededRandom(7));
    expect(sut.length).toBeGreaterThan(30_000 * 0.97);
    expect(sut.length).toBeLessThan(30_000 * 1.03);
    expect(sut).toEqual(arrivalOffsets(50, 600_000, seededRandom(7)));
    expect(sut).not.toEqual(arrivalOffsets(50, 600_000, seededRandom(8)));
    const gaps = sut.slice(1).map((t, i) => t - sut[i]);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    expect(mean).toBeCloseTo(20, 0);
    // exponential gaps: about e^-1 of them longer than the mean
    expect(gaps.filter((g) => g > 20).length / gaps.length).toBeCloseTo(Math.exp(-1), 1);
    expect(sut.every((t, i) => i === 0 || t >= sut[i - 1])).toBe(true);
  });

  it('answers nothing for a zero rate or duration', () => {
    expect(arrivalOffsets(0, 1000, seededRandom(1))).toEqual([]);
    expect(arrivalOffsets(10, 0, seededRandom(1))).toEqual([]);
  });
});

describe(runOpenLoop.name, () => {
  it('starts each session on schedule although none has answered yet (open loop)', async () => {
    const clock = new FakeClock();
    const starts: Array<[number, number, number]> = [];
    const release: Array<() => void> = [];
    const done = runOpenLoop({
      offsets: [0, 100, 200, 300],
      clock,
      startAt: 1000,
      maxInFlight: 10,
      session: (i, due) => {
        starts.push([i, due, clock.now()]);
        return new Promise<void>((resolve) => release.push(resolve));
      },
    });
    await clock.advanceTo(1350);
    expect(starts).toEqual([
      [0, 1000, 1000],
      [1, 1100, 1100],
      [2, 1200, 1200],
      [3, 1300, 1300],
    ]);
    let finished = false;
    void done.then(() => (finished = true));
    await flush();
    expect(finished).toBe(false); // waits for the sessions under way
    release.forEach((r) => r());
    await expect(done).resolves.toEqual({ scheduled: 4, started: 4, dropped: 0, late: 0, maxLateMs: 0, aborted: 0 });
  });

  it('drops (and counts) arrivals beyond the in-flight bound instead of queueing them', async () => {
    const clock = new FakeClock();
    const started: number[] = [];
    const done = runOpenLoop({
      offsets: [0, 10, 20, 30, 500],
      clock,
      startAt: 0,
      maxInFlight: 2,
      session: async (i) => {
        started.push(i);
        await clock.sleep(100);
      },
    });
    await clock.advanceTo(1000);
    expect(await done).toMatchObject({ scheduled: 5, started: 3, dropped: 2 });
    expect(started).toEqual([0, 1, 4]);
  });

  it('counts arrivals dispatched late when the generator fell behind, and measures from the due time', async () => {
    const clock = new FakeClock();
    const dues: Array<[number, number]> = [];
    // a clock whose sleeps overshoot by 80 ms, as a starved event loop does
    const slow: Clock = { now: clock.now, sleep: (ms) => clock.sleep(ms + 80) };
    const done = runOpenLoop({
      offsets: [0, 100, 105],
      clock: slow,
      startAt: 0,
      maxInFlight: 10,
      lateAfterMs: 50,
      session: (_i, due) => {
        dues.push([due, clock.now()]);
        return Promise.resolve();
      },
    });
    await clock.advanceTo(1000);
    expect(await done).toMatchObject({ started: 3, late: 2, maxLateMs: 80 });
    expect(dues).toEqual([
      [0, 0],
      [100, 180],
      [105, 180],
    ]);
  });

  it('stops arriving once aborted, and still waits for the sessions under way', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const done = runOpenLoop({
      offsets: [0, 100, 200, 300],
      clock,
      startAt: 0,
      maxInFlight: 10,
      signal: controller.signal,
      session: () => clock.sleep(1000),
    });
    await clock.advanceTo(150);
    controller.abort();
    await clock.advanceTo(2000);
    expect(await done).toMatchObject({ started: 2, aborted: 2 });
  });
});
