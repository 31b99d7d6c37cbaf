import { droppedSpans } from '@shopmesh/tracing';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const MISNAMED_DEFAULT_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export type RpcOutcome = 'ok' | 'error' | 'timeout' | 'unavailable';

/** One instance an RPC client calls: its breaker and its calls in flight. */
export interface BreakerReading {
  target: string;
  instance: string;
  state: 'closed' | 'half-open' | 'open';
  pending: number;
}

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * One Prometheus registry per process: default process metrics (less three misnamed gauges) plus
 * RED metrics of HTTP requests served and of RPC calls made and served: each histogram's `_count`
 * is the request rate, its `outcome`/`status_code` label the errors, its buckets the duration.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpServer = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests served, by route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly rpcClient = new Histogram({
    name: 'rpc_client_duration_seconds',
    help: 'Duration of RPC calls made (each attempt), by target service, instance, pattern and outcome.',
    labelNames: ['target', 'instance', 'pattern', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly rpcClientErrors = new Counter({
    name: 'rpc_client_errors_total',
    help: 'RPC calls that failed, by target, instance, pattern and error code.',
    labelNames: ['target', 'instance', 'pattern', 'code'] as const,
    registers: [this.registry],
  });

  /** Read from the tracing exporter at scrape time. */
  readonly tracingDropped = new Counter({
    name: 'tracing_spans_dropped_total',
    help: 'Spans the exporter could not deliver to the trace store (refused, no answer within 10 s, or two posts still in flight).',
    registers: [this.registry],
    collect() {
      this.reset();
      this.inc(droppedSpans());
    },
  });

  private readonly breakers = new Set<() => Iterable<BreakerReading>>();

  /**
   * Read from the RPC clients at scrape time, so an instance gone from discovery leaves no stale
   * series, and a call costs no gauge update (prom-client hashes the labels of every `set`).
   */
  readonly rpcClientPending = instanceGauge(
    this.registry,
    this.breakers,
    'rpc_client_pending',
    'RPC calls in flight, by target and instance.',
    (b) => b.pending,
  );

  readonly rpcClientBreaker = instanceGauge(
    this.registry,
    this.breakers,
    'rpc_client_breaker_state',
    'Circuit breaker of each instance called: 0 closed, 1 half-open, 2 open.',
    (b) => BREAKER_VALUE[b.state],
  );

  readonly rpcServer = new Histogram({
    name: 'rpc_server_duration_seconds',
    help: 'Duration of RPC requests served, by pattern and outcome.',
    labelNames: ['pattern', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly rpcServerErrors = new Counter({
    name: 'rpc_server_errors_total',
    help: 'RPC requests served that ended in an error, by pattern and error code (INTERNAL when unexpected).',
    labelNames: ['pattern', 'code'] as const,
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    // prom-client's totals of active handles, requests and resources are gauges named like counters
    // (`promtool check metrics` rejects them); each is the sum of its per-type gauge
    // (`sum(nodejs_active_handles)`), so dropping them loses nothing
    for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(name);
  }

  /** Reports the instances (breakers, calls in flight) `read` gives on every scrape, until the returned function is called. */
  watchBreakers(read: () => Iterable<BreakerReading>): () => void {
    this.breakers.add(read);
    return () => this.breakers.delete(read);
  }
}

function instanceGauge(
  registry: Registry,
  sources: ReadonlySet<() => Iterable<BreakerReading>>,
  name: string,
  help: string,
  value: (reading: BreakerReading) => number,
): Gauge<'target' | 'instance'> {
  return new Gauge({
    name,
    help,
    labelNames: ['target', 'instance'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const read of sources) {
        for (const b of read()) this.set({ target: b.target, instance: b.instance }, value(b));
      }
    },
  });
}
