import { createHash } from 'node:crypto';

const hash32 = (text: string): number => createHash('md5').update(text).digest().readUInt32BE(0);

/**
 * Consistent hashing with virtual nodes: a key maps to the first node clockwise from its hash.
 * When a node joins or leaves, only the keys of the arcs it gains or loses move (about 1/N).
 */
export class ConsistentHashRing<T extends string = string> {
  private points: Array<{ at: number; node: T }> = [];

  constructor(
    nodes: readonly T[] = [],
    private readonly virtualNodes = 160,
  ) {
    this.setNodes(nodes);
  }

  setNodes(nodes: readonly T[]): void {
    this.points = [...new Set(nodes)]
      .flatMap((node) => Array.from({ length: this.virtualNodes }, (_, i) => ({ at: hash32(`${node}#${i}`), node })))
      .sort((a, b) => a.at - b.at || (a.node < b.node ? -1 : 1));
  }

  /** The node of `key`, skipping nodes `accept` refuses (for example, with an open breaker). */
  nodeFor(key: string, accept: (node: T) => boolean = () => true): T | undefined {
    if (this.points.length === 0) return undefined;
    const h = hash32(key);
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.points[mid]?.at ?? 0) < h) lo = mid + 1;
      else hi = mid;
    }
    for (let i = 0; i < this.points.length; i += 1) {
      const point = this.points[(lo + i) % this.points.length];
      if (point && accept(point.node)) return point.node;
    }
    return undefined;
  }
}
