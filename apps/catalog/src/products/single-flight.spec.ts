import { SingleFlight } from './single-flight';

describe(SingleFlight.name, () => {
  const sut = new SingleFlight();

  it('runs the work once for concurrent callers of one key, and shares its result', async () => {
    let runs = 0;
    const work = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 10));
      return { n: runs };
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => sut.run('k', work)));
    expect(runs).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(sut.size).toBe(0);
  });

  it('runs again once the previous run is over, and keeps keys apart', async () => {
    let runs = 0;
    const work = () => Promise.resolve((runs += 1));
    await sut.run('a', work);
    await Promise.all([sut.run('a', work), sut.run('b', work)]);
    expect(runs).toBe(3);
  });

  it('shares a failure with the callers in flight, and forgets it', async () => {
    const failing = () => Promise.reject(new Error('database down'));
    await expect(Promise.all([sut.run('f', failing), sut.run('f', failing)])).rejects.toThrow('database down');
    await expect(sut.run('f', () => Promise.resolve(1))).resolves.toBe(1);
  });
});
