import { ConsistentHashRing } from './consistent-hash-ring';

describe(ConsistentHashRing.name, () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

  it('sends the same key to the same node while membership is stable', () => {
    const sut = new ConsistentHashRing(['a:1', 'b:1', 'c:1']);
    const first = keys.map((k) => sut.nodeFor(k));
    expect(keys.map((k) => sut.nodeFor(k))).toEqual(first);
    expect(new ConsistentHashRing(['c:1', 'a:1', 'b:1']).nodeFor('user-42')).toBe(sut.nodeFor('user-42'));
  });

  it('spreads keys roughly evenly', () => {
    const sut = new ConsistentHashRing(['a:1', 'b:1', 'c:1', 'd:1']);
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(sut.nodeFor(k) ?? '', (counts.get(sut.nodeFor(k) ?? '') ?? 0) + 1);
    for (const n of counts.values()) expect(n / keys.length).toBeGreaterThan(0.15);
  });

  it('moves only about 1/N of the keys when a node joins, all of them to the new node', () => {
    const before = new ConsistentHashRing(['a:1', 'b:1', 'c:1']);
    const after = new ConsistentHashRing(['a:1', 'b:1', 'c:1', 'd:1']);
    const moved = keys.filter((k) => before.nodeFor(k) !== after.nodeFor(k));
    expect(moved.length / keys.length).toBeGreaterThan(0.15);
    expect(moved.length / keys.length).toBeLessThan(0.35); // ideal: 1/4
    expect(new Set(moved.map((k) => after.nodeFor(k)))).toEqual(new Set(['d:1']));
  });

  it('skips nodes the caller refuses, moving only their keys', () => {
    const sut = new ConsistentHashRing(['a:1', 'b:1', 'c:1']);
    const withoutB = keys.map((k) => sut.nodeFor(k, (n) => n !== 'b:1'));
    expect(withoutB).not.toContain('b:1');
    keys.forEach((k, i) => {
      if (sut.nodeFor(k) !== 'b:1') expect(withoutB[i]).toBe(sut.nodeFor(k));
    });
  });
});
