import { intBetween, pickOne, pickWeighted, seededRandom, type Random } from '../load/random';

/** Every fault the nemesis injects. */
export const FAULT_KINDS = [
  'kill',
  'pause',
  'kafka-restart',
  'pg-terminate',
  'redis-partition',
  'rpc-latency',
  'rpc-loss',
  'rpc-partition',
  'slow-consumer',
  'poison',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** What each kind does, for the usage text and the report. */
export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  kill: 'kill -9 of one instance (the supervisor starts it again)',
  pause: 'SIGSTOP of one instance, SIGCONT when the fault ends (a paused process keeps its connections and partitions)',
  'kafka-restart': 'the Kafka broker stopped, then started again',
  'pg-terminate': 'every Postgres connection of one service killed (pg_terminate_backend), again every 500 ms',
  'redis-partition': 'Redis unreachable for one instance (its fault point holds every byte)',
  'rpc-latency': "added latency on the network in front of one instance's RPC port",
  'rpc-loss': "packet loss (held bytes, retransmission delays) in front of one instance's RPC port",
  'rpc-partition': "a full partition in front of one instance's RPC port: its callers get no byte through",
  'slow-consumer': "a service's handlers delayed: latency on every database round trip of its instances",
  poison: 'a message no consumer can handle, produced on one topic (it must end on the dead-letter topic)',
};

/** Kinds that need the supervisor's fault points (`npm run up` has them unless `--no-fault-points`). */
export const POINT_KINDS: readonly FaultKind[] = ['redis-partition', 'rpc-latency', 'rpc-loss', 'rpc-partition', 'slow-consumer'];

/** One fault of a run, as planned: when (ms from the run's start), for how long, on what. */
export interface PlannedFault {
  n: number;
  kind: FaultKind;
  at: number;
  /** How long it is held (0 for instant faults: kill, poison). */
  durationMs: number;
  /** An instance id (`orders-2`), an app (`payments`), a topic, or `kafka`. */
  target: string;
  latencyMs?: number;
  lossRate?: number;
}

/** What the nemesis can aim at: the platform's instances, and what each app has. */
export interface Topology {
  instances: ReadonlyArray<{ id: string; app: string }>;
  /** Apps with a database of their own (pg-terminate). */
  databaseApps: readonly string[];
  /** Apps whose Kafka consumers write to their database (slow-consumer: every round trip delayed). */
  consumerApps: readonly string[];
  /** Apps with an RPC port (rpc-*: the point in front of each instance). */
  rpcApps: readonly string[];
  /** Topics the services consume (poison). */
  topics: readonly string[];
}

export interface NemesisOptions {
  seed: number;
  /** The window faults start in: [leadMs, durationMs - tailMs]; after it only recovery. */
  durationMs: number;
  kinds?: readonly FaultKind[];
  /** Mean gap between two faults' starts after every kind had its turn (exponential gaps). */
  meanGapMs?: number;
  /** Faults held at once at most. */
  maxConcurrent?: number;
  /** Quiet time at the start (the load warms up) and at the end (every fault healed, recovery seen). */
  leadMs?: number;
  tailMs?: number;
}

/** How long each kind is held (ms), and its strength. */
const SHAPES: Record<FaultKind, { min: number; max: number }> = {
  kill: { min: 0, max: 0 },
  pause: { min: 2000, max: 8000 },
  'kafka-restart': { min: 1000, max: 6000 },
  'pg-terminate': { min: 1000, max: 4000 },
  'redis-partition': { min: 2000, max: 8000 },
  'rpc-latency': { min: 3000, max: 10_000 },
  'rpc-loss': { min: 3000, max: 10_000 },
  'rpc-partition': { min: 2000, max: 6000 },
  'slow-consumer': { min: 4000, max: 12_000 },
  poison: { min: 0, max: 0 },
};

/** How often each kind comes up once every kind had its turn: process faults most, the broker least. */
const WEIGHTS: Record<FaultKind, number> = {
  kill: 4,
  pause: 3,
  'kafka-restart': 1,
  'pg-terminate': 2,
  'redis-partition': 2,
  'rpc-latency': 2,
  'rpc-loss': 2,
  'rpc-partition': 2,
  'slow-consumer': 2,
  poison: 1,
};

/**
 * What a fault holds while it lasts: two faults on one thing never overlap (the second's heal
 * would end the first). A process is one thing whether killed or paused; the broker is one thing.
 */
export function resourceOf(fault: Pick<PlannedFault, 'kind' | 'target'>): string {
  switch (fault.kind) {
    case 'kill':
    case 'pause':
      return `process:${fault.target}`;
    case 'rpc-latency':
    case 'rpc-loss':
    case 'rpc-partition':
      return `rpc:${fault.target}`;
    case 'kafka-restart':
    case 'pg-terminate':
    case 'poison':
    case 'redis-partition':
    case 'slow-consumer':
      return `${fault.kind}:${fault.target}`;
  }
}

function targetsOf(kind: FaultKind, topology: Topology): string[] {
  switch (kind) {
    case 'kill':
    case 'pause':
    case 'redis-partition':
      return topology.instances.map((i) => i.id);
    case 'rpc-latency':
    case 'rpc-loss':
    case 'rpc-partition':
      return topology.instances.filter((i) => topology.rpcApps.includes(i.app)).map((i) => i.id);
    case 'pg-terminate':
      return [...topology.databaseApps];
    case 'slow-consumer':
      return [...topology.consumerApps];
    case 'kafka-restart':
      return ['kafka'];
    case 'poison':
      return [...topology.topics];
  }
}

function shaped(random: Random, kind: FaultKind): Pick<PlannedFault, 'durationMs' | 'latencyMs' | 'lossRate'> {
  const { min, max } = SHAPES[kind];
  const durationMs = max === 0 ? 0 : intBetween(random, min / 100, max / 100) * 100;
  if (kind === 'rpc-latency') return { durationMs, latencyMs: intBetween(random, 5, 40) * 20 };
  if (kind === 'slow-consumer') return { durationMs, latencyMs: intBetween(random, 5, 25) * 10 };
  if (kind === 'rpc-loss') return { durationMs, lossRate: intBetween(random, 5, 30) / 100 };
  return { durationMs };
}

/**
 * The faults of a run, from its seed alone (same seed and topology, same faults): first every kind
 * once, in a shuffled order, spread over the window, so that a short run has each; then more at
 * random kinds with exponential gaps (mean `meanGapMs`), several held at once up to
 * `maxConcurrent`, never two on one thing. Every fault ends before the window does.
 */
export function planFaults(topology: Topology, options: NemesisOptions): PlannedFault[] {
  const random = seededRandom(options.seed);
  const lead = options.leadMs ?? 5000;
  const end = options.durationMs - (options.tailMs ?? 15_000);
  const kinds = (options.kinds ?? FAULT_KINDS).filter((k) => targetsOf(k, topology).length > 0);
  const maxConcurrent = options.maxConcurrent ?? 3;
  const meanGap = options.meanGapMs ?? 8000;
  if (end <= lead) return [];
  const planned: PlannedFault[] = [];
  const fits = (candidate: Omit<PlannedFault, 'n'>): boolean => {
    const stop = candidate.at + candidate.durationMs;
    if (stop > end) return false;
    const overlapping = planned.filter((p) => p.at <= stop && candidate.at <= p.at + p.durationMs);
    if (overlapping.length >= maxConcurrent) return false;
    return !overlapping.some((p) => resourceOf(p) === resourceOf(candidate));
  };
  const tryPlace = (kind: FaultKind, at: number): boolean => {
    if (at > end) return false;
    const targets = targetsOf(kind, topology);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const shape = shaped(random, kind);
      // a fault near the window's end is shorter rather than left out (never under a second)
      const durationMs = Math.min(shape.durationMs, end - at);
      if (shape.durationMs > 0 && durationMs < 1000) return false;
      const candidate = { kind, at, target: pickOne(random, targets), ...shape, durationMs };
      if (fits(candidate)) {
        planned.push({ n: 0, ...candidate });
        return true;
      }
    }
    return false;
  };

  const order = [...kinds];
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  // every kind once: slot i of the window (a slot is long enough for the longest fault when the window allows)
  const slot = (end - lead) / Math.max(order.length, 1);
  order.forEach((kind, i) => {
    const base = lead + i * slot;
    for (let step = 0; step < 8; step += 1) {
      if (tryPlace(kind, Math.round(base + random() * slot * 0.3 + step * slot * 0.1))) break;
    }
  });
  // then more, at random
  const weights = Object.fromEntries(kinds.map((k) => [k, WEIGHTS[k]])) as Record<FaultKind, number>;
  for (let at = lead - Math.log(1 - random()) * meanGap; at < end && kinds.length > 0; at += -Math.log(1 - random()) * meanGap) {
    tryPlace(pickWeighted(random, weights), Math.round(at));
  }
  return planned.sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind)).map((f, i) => ({ ...f, n: i + 1 }));
}

/** `rpc-latency orders-2 +400 ms for 6.2 s`: one line of a fault timeline. */
export function describeFault(f: PlannedFault): string {
  const strength =
    f.latencyMs !== undefined ? ` +${f.latencyMs} ms` : f.lossRate !== undefined ? ` ${Math.round(f.lossRate * 100)} % loss` : '';
  const held = f.durationMs > 0 ? ` for ${(f.durationMs / 1000).toFixed(1)} s` : '';
  return `${f.kind} ${f.target}${strength}${held}`;
}
