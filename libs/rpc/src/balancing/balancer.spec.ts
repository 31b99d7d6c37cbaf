import { ConsistentHashBalancer, LeastOutstandingBalancer, RoundRobinBalancer, type Candidate } from './balancer';

const c = (address: string, outstanding = 0, available = true): Candidate => ({ address, outstanding, available });

describe(RoundRobinBalancer.name, () => {
  it('takes turns and skips unavailable instances', () => {
    const sut = new RoundRobinBalancer();
    const list = [c('a'), c('b', 0, false), c('c')];
    expect([1, 2, 3, 4].map(() => sut.pick(list)?.address)).toEqual(['a', 'c', 'a', 'c']);
    expect(sut.pick([c('x', 0, false)])).toBeUndefined();
  });
});

describe(LeastOutstandingBalancer.name, () => {
  it('prefers the instance with the fewest calls in flight', () => {
    const sut = new LeastOutstandingBalancer();
    expect(sut.pick([c('a', 5), c('b', 1), c('c', 3)])?.address).toBe('b');
    expect(sut.pick([c('a', 5), c('b', 1, false), c('c', 3)])?.address).toBe('c');
  });
});

describe(ConsistentHashBalancer.name, () => {
  it('keeps a key on one instance, and moves it only when that instance is unavailable', () => {
    const sut = new ConsistentHashBalancer();
    const list = [c('a:1'), c('b:1'), c('c:1')];
    const home = sut.pick(list, 'user-7')?.address;
    expect(sut.pick(list, 'user-7')?.address).toBe(home);
    const other = sut.pick(
      list.map((x) => (x.address === home ? { ...x, available: false } : x)),
      'user-7',
    )?.address;
    expect(other).not.toBe(home);
    expect(sut.pick(list, 'user-7')?.address).toBe(home);
  });
});
