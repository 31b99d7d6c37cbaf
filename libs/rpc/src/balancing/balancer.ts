import { ConsistentHashRing } from './consistent-hash-ring';

export type BalancingStrategy = 'round-robin' | 'least-outstanding' | 'consistent-hash';

/** What a balancer knows of an instance. */
export interface Candidate {
  address: string;
  outstanding: number;
  /** False while its breaker is open or its pending queue is full. */
  available: boolean;
}

/** Chooses the instance of one call among the available ones. */
export interface Balancer {
  pick(candidates: readonly Candidate[], hashKey?: string): Candidate | undefined;
}

export class RoundRobinBalancer implements Balancer {
  private next = 0;

  pick(candidates: readonly Candidate[]): Candidate | undefined {
    for (let i = 0; i < candidates.length; i += 1) {
      const candidate = candidates[(this.next + i) % candidates.length];
      if (candidate?.available) {
        this.next = (this.next + i + 1) % candidates.length;
        return candidate;
      }
    }
    return undefined;
  }
}

/** The available instance with the fewest calls in flight (ties: round-robin). */
export class LeastOutstandingBalancer implements Balancer {
  private readonly tieBreak = new RoundRobinBalancer();

  pick(candidates: readonly Candidate[]): Candidate | undefined {
    const available = candidates.filter((c) => c.available);
    const fewest = Math.min(...available.map((c) => c.outstanding));
    return this.tieBreak.pick(available.filter((c) => c.outstanding === fewest));
  }
}

/** The instance owning the caller's key on a consistent-hash ring; falls back to round-robin without a key. */
export class ConsistentHashBalancer implements Balancer {
  private readonly ring = new ConsistentHashRing();
  private members = '';
  private readonly fallback = new RoundRobinBalancer();

  pick(candidates: readonly Candidate[], hashKey?: string): Candidate | undefined {
    if (hashKey === undefined) return this.fallback.pick(candidates);
    const members = candidates
      .map((c) => c.address)
      .sort()
      .join(',');
    if (members !== this.members) {
      this.ring.setNodes(candidates.map((c) => c.address));
      this.members = members;
    }
    const byAddress = new Map(candidates.map((c) => [c.address, c]));
    const address = this.ring.nodeFor(hashKey, (a) => byAddress.get(a)?.available === true);
    return address === undefined ? undefined : byAddress.get(address);
  }
}

export function createBalancer(strategy: BalancingStrategy): Balancer {
  switch (strategy) {
    case 'round-robin':
      return new RoundRobinBalancer();
    case 'least-outstanding':
      return new LeastOutstandingBalancer();
    case 'consistent-hash':
      return new ConsistentHashBalancer();
  }
}
