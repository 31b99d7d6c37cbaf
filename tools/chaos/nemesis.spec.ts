import { FAULT_KINDS, planFaults, resourceOf, describeFault, type Topology } from './nemesis';

const TOPOLOGY: Topology = {
  instances: [
    { id: 'identity', app: 'identity' },
    { id: 'catalog', app: 'catalog' },
    { id: 'cart', app: 'cart' },
    { id: 'inventory', app: 'inventory' },
    { id: 'inventory-2', app: 'inventory' },
    { id: 'payments', app: 'payments' },
    { id: 'orders', app: 'orders' },
    { id: 'orders-2', app: 'orders' },
    { id: 'gateway', app: 'gateway' },
    { id: 'gateway-2', app: 'gateway' },
  ],
  databaseApps: ['identity', 'catalog', 'inventory', 'payments', 'orders'],
  consumerApps: ['inventory', 'payments', 'orders'],
  rpcApps: ['identity', 'catalog', 'cart', 'inventory', 'payments', 'orders'],
  topics: ['orders.commands', 'inventory.events'],
};

describe('planFaults (the nemesis schedule)', () => {
  it('is a function of the seed: the same seed plans the same faults, another seed others', () => {
    const a = planFaults(TOPOLOGY, { seed: 42, durationMs: 90_000 });
    expect(planFaults(TOPOLOGY, { seed: 42, durationMs: 90_000 })).toEqual(a);
    expect(planFaults(TOPOLOGY, { seed: 43, durationMs: 90_000 })).not.toEqual(a);
  });

  it.each([1, 2, 3, 42, 1234])('has every kind at least once in a 90 s run (seed %i), within the window', (seed) => {
    const plan = planFaults(TOPOLOGY, { seed, durationMs: 90_000 });
    expect(new Set(plan.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
    for (const f of plan) {
      expect(f.at).toBeGreaterThanOrEqual(5000);
      expect(f.at + f.durationMs).toBeLessThanOrEqual(75_000);
    }
    expect(plan.map((f) => f.n)).toEqual(plan.map((_, i) => i + 1));
  });

  it('never holds two faults on one thing at once, nor more than maxConcurrent', () => {
    for (const seed of [5, 6, 7]) {
      const plan = planFaults(TOPOLOGY, { seed, durationMs: 600_000, meanGapMs: 2000, maxConcurrent: 3 });
      expect(plan.length).toBeGreaterThan(60);
      for (const f of plan) {
        const heldAtItsStart = plan.filter((g) => g.at <= f.at && f.at <= g.at + g.durationMs);
        expect(heldAtItsStart.length).toBeLessThanOrEqual(3);
        const overlapping = plan.filter((g) => g.at <= f.at + f.durationMs && f.at <= g.at + g.durationMs);
        const sameThing = overlapping.filter((g) => g !== f && resourceOf(g) === resourceOf(f));
        expect(sameThing).toEqual([]);
      }
    }
  });

  it('has several faults at once at times in a long run', () => {
    const plan = planFaults(TOPOLOGY, { seed: 9, durationMs: 600_000 });
    const concurrent = plan.some((f) => plan.some((g) => g !== f && g.at > f.at && g.at < f.at + f.durationMs));
    expect(concurrent).toBe(true);
  });

  it('aims each kind at what it can hit', () => {
    const plan = planFaults(TOPOLOGY, { seed: 11, durationMs: 600_000 });
    const ids = TOPOLOGY.instances.map((i) => i.id);
    for (const f of plan) {
      if (f.kind === 'kill' || f.kind === 'pause' || f.kind === 'redis-partition') expect(ids).toContain(f.target);
      if (f.kind.startsWith('rpc-')) expect(f.target).not.toMatch(/^gateway/);
      if (f.kind === 'pg-terminate') expect(TOPOLOGY.databaseApps).toContain(f.target);
      if (f.kind === 'slow-consumer') expect(TOPOLOGY.consumerApps).toContain(f.target);
      if (f.kind === 'poison') expect(TOPOLOGY.topics).toContain(f.target);
      if (f.kind === 'kafka-restart') expect(f.target).toBe('kafka');
      if (f.kind === 'kill' || f.kind === 'poison') expect(f.durationMs).toBe(0);
      else expect(f.durationMs).toBeGreaterThanOrEqual(1000);
    }
  });

  it('plans only the kinds asked for, and nothing in a window too short', () => {
    const plan = planFaults(TOPOLOGY, { seed: 1, durationMs: 90_000, kinds: ['kill', 'poison'] });
    expect(new Set(plan.map((f) => f.kind))).toEqual(new Set(['kill', 'poison']));
    expect(planFaults(TOPOLOGY, { seed: 1, durationMs: 10_000 })).toEqual([]);
  });

  it('describes a fault in one line', () => {
    expect(describeFault({ n: 1, kind: 'rpc-latency', at: 0, durationMs: 6200, target: 'orders-2', latencyMs: 400 })).toBe(
      'rpc-latency orders-2 +400 ms for 6.2 s',
    );
    expect(describeFault({ n: 2, kind: 'kill', at: 0, durationMs: 0, target: 'cart' })).toBe('kill cart');
  });
});
