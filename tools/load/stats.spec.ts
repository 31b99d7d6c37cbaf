import { histogram, percentile, perSecond } from './stats';

describe(percentile.name, () => {
  it('is the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 90)).toBe(4);
  });

  it('is NaN for no values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe(histogram.name, () => {
  it('counts each value in the bucket [edge, next edge), the last bucket open-ended', () => {
    expect(histogram([0, 99, 100, 150, 499, 500, 10_000], [0, 100, 500])).toEqual([2, 3, 2]);
  });

  it('leaves out values below the first edge', () => {
    expect(histogram([-5, 5], [0, 10])).toEqual([1, 0]);
  });
});

describe(perSecond.name, () => {
  it('buckets by whole seconds from the start, dropping what falls outside', () => {
    const sut = perSecond([999, 1000, 1500, 2999, 3000, -1, 500], (t) => t, 0, 3);
    expect(sut).toEqual([[999, 500], [1000, 1500], [2999]]);
  });
});
