import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { AppError } from '@shopmesh/errors';
import type { Actor, RpcDefinition, RpcMessage, RpcRequestOf, RpcResponseOf } from '@shopmesh/contracts';
import { CorrelationContext } from '@shopmesh/logging';
import { traceRpcCall } from '@shopmesh/tracing';
import type { Metrics, RpcOutcome } from '@shopmesh/metrics';
import { EmptyError, TimeoutError, type Subscription } from 'rxjs';
import { createBalancer, type Balancer, type BalancingStrategy, type Candidate } from './balancing/balancer';
import type { BreakerOptions } from './balancing/circuit-breaker';
import { rpcSocketClass } from './rpc-socket';
import { StaticDiscovery, type Discovery } from './discovery/discovery';
import { Instance, parseAddress } from './instance';

export interface RpcCallOptions {
  /** Deadline of this call, all attempts included; defaults to the client's. */
  timeoutMs?: number;
  /**
   * The call may run twice without harm (a read, or a write with its own idempotency key):
   * it is then retried on another instance after a timeout or a lost connection. Other calls are
   * never retried, except that none is, ever, past the deadline.
   */
  idempotent?: boolean;
  /**
   * The least time one attempt gets (while that much of the deadline is left): a long poll that
   * waits up to N ms for news sets it above N, so that splitting the deadline between the attempts
   * of an idempotent call never cuts the wait short. A later attempt runs only if an earlier one
   * failed fast (refused, lost connection).
   */
  minAttemptMs?: number;
  /** Key for consistent hashing (e.g. the user id), when the client balances that way. */
  hashKey?: string;
  /** The verified user the call acts for (set by the gateway from the access token). */
  actor?: Actor;
}

/** Values read at each use rather than fixed at construction (the live settings). */
export interface RpcLiveTuning {
  timeoutMs(): number;
  breaker(): BreakerOptions;
}

export interface RpcClientOptions {
  /** Deadline of a call that sets none (unless `live` gives one). */
  timeoutMs: number;
  balancing?: BalancingStrategy;
  /** Calls in flight per instance beyond which the instance is skipped; with all full, fail fast. */
  maxPendingPerInstance?: number;
  breaker?: BreakerOptions;
  /** The deadline and breaker thresholds as they are now: they override `timeoutMs` and `breaker`. */
  live?: RpcLiveTuning;
  /** Extra attempts of an idempotent call. */
  retries?: number;
  /** TLS (mutual when it carries a certificate) towards every instance. */
  tls?: ConnectionOptions;
  /** Largest message accepted from an instance, in characters. */
  maxMessageChars?: number;
  /**
   * `no-delay` (default): `rpcSocketClass`, Nest's framing socket with Nagle's algorithm off;
   * `stock`: Nest's own `JsonSocket` as it comes (see BENCHMARKS.md, RPC).
   */
  socket?: 'no-delay' | 'stock';
  /** How the connection to an instance is made (tests replace it). */
  createProxy?: (address: string) => ClientProxy;
}

const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, openMs: 5000 };

type Failure = 'timeout' | 'refused' | 'transport';

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * A client of one ShopMesh service over Nest's TCP transport, across all its instances (found
 * by a {@link Discovery}). Every call has a deadline and carries the correlation id; instances are
 * chosen by round-robin, least-outstanding or consistent hashing; an instance whose breaker is
 * open, or whose pending calls are at the limit, is skipped; idempotent calls are retried on
 * another instance. Calls fail only with an {@link AppError}: the callee's own code,
 * `UPSTREAM.TIMEOUT`, `UPSTREAM.UNAVAILABLE` or `UPSTREAM.OVERLOADED`.
 */
export class RpcClient {
  private readonly instances = new Map<string, Instance>();
  private readonly balancer: Balancer;
  private known?: readonly string[];
  private readonly unwatchBreakers?: () => void;

  constructor(
    readonly target: string,
    private readonly discovery: Discovery,
    private readonly options: RpcClientOptions,
    private readonly metrics?: Metrics,
  ) {
    this.balancer = createBalancer(options.balancing ?? 'round-robin');
    this.unwatchBreakers = metrics?.watchBreakers(() =>
      [...this.instances.values()].map((i) => ({ target, instance: i.address, state: i.breaker.state, pending: i.outstanding })),
    );
  }

  /** A client of one instance reached through the given proxy (tests, scripts). */
  static forProxy(target: string, proxy: ClientProxy, timeoutMs: number, metrics?: Metrics): RpcClient {
    return new RpcClient(target, new StaticDiscovery(['single:0']), { timeoutMs, createProxy: () => proxy }, metrics);
  }

  /** A client of a fixed list of `host:port`. */
  static forAddresses(target: string, addresses: readonly string[], options: RpcClientOptions, metrics?: Metrics): RpcClient {
    return new RpcClient(target, new StaticDiscovery(addresses), options, metrics);
  }

  async start(): Promise<void> {
    await this.discovery.start();
    this.syncInstances();
  }

  /**
   * Calls an RPC of the contract: retried when the contract says it is idempotent, its response
   * checked against the contract (an instance answering off-contract is `UPSTREAM.INVALID_RESPONSE`).
   */
  async call<D extends RpcDefinition>(
    definition: D,
    payload: RpcRequestOf<D>,
    call: Omit<RpcCallOptions, 'idempotent'> = {},
  ): Promise<RpcResponseOf<D>> {
    const raw = await this.send(definition.pattern, payload, { ...call, idempotent: definition.idempotent });
    const checked = definition.response.safeParse(raw);
    if (!checked.success) {
      throw new AppError(
        'UPSTREAM.INVALID_RESPONSE',
        `The ${this.target} service answered ${definition.pattern} off its contract`,
      );
    }
    return checked.data as RpcResponseOf<D>;
  }

  /** The deadline of a call that sets none: the live setting's, else the configured one. */
  private defaultTimeoutMs(): number {
    return this.options.live?.timeoutMs() ?? this.options.timeoutMs;
  }

  /** Sends a message of any pattern; its answer is unchecked, so it is `unknown` (prefer {@link call}). */
  async send(pattern: string, payload: unknown, call: RpcCallOptions = {}): Promise<unknown> {
    const timeoutMs = call.timeoutMs ?? this.defaultTimeoutMs();
    const deadlineAt = Date.now() + timeoutMs;
    const correlationId = CorrelationContext.currentId() ?? randomUUID();
    return traceRpcCall(this.target, pattern, (trace) => {
      const meta = { correlationId, deadlineAt, ...(call.actor ? { actor: call.actor } : {}), ...trace };
      return this.sendWithRetries(pattern, { meta, payload }, call, deadlineAt, timeoutMs);
    });
  }

  private async sendWithRetries(
    pattern: string,
    message: RpcMessage,
    call: RpcCallOptions,
    deadlineAt: number,
    timeoutMs: number,
  ): Promise<unknown> {
    const attempts = 1 + (call.idempotent ? (this.options.retries ?? 2) : 0);
    const tried = new Set<string>();
    let lastFailure: Failure = 'refused';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const remaining = deadlineAt - Date.now();
      if (remaining <= 0) break;
      const instance = this.pick(call.hashKey, tried);
      tried.add(instance.address);
      // an idempotent call leaves time for its later attempts; the last one gets all that is left
      const split = attempt === attempts ? remaining : Math.max(remaining / (attempts - attempt + 1), Math.min(remaining, 50));
      const budget = Math.max(split, Math.min(remaining, call.minAttemptMs ?? 0));
      const outcome = await this.attempt(instance, pattern, message, budget);
      if (outcome.ok) return outcome.value;
      lastFailure = outcome.failure;
      if (attempt < attempts) await sleep(Math.min(Math.max(0, deadlineAt - Date.now()), 20 * attempt + Math.random() * 20));
    }
    throw lastFailure === 'timeout'
      ? new AppError('UPSTREAM.TIMEOUT', `The ${this.target} service did not answer within ${timeoutMs} ms`)
      : new AppError('UPSTREAM.UNAVAILABLE', `The ${this.target} service is unavailable`);
  }

  /**
   * Calls an RPC of the contract on every instance discovery knows, at once, one attempt each (the
   * ops console asks each instance for its own status): one answer per instance, a failure named
   * by its code rather than thrown.
   */
  async callEach<D extends RpcDefinition>(
    definition: D,
    payload: RpcRequestOf<D>,
    call: Pick<RpcCallOptions, 'timeoutMs' | 'actor'> = {},
  ): Promise<Array<{ address: string } & ({ ok: true; value: RpcResponseOf<D> } | { ok: false; error: AppError })>> {
    this.syncInstances();
    const timeoutMs = call.timeoutMs ?? this.defaultTimeoutMs();
    const correlationId = CorrelationContext.currentId() ?? randomUUID();
    const message: RpcMessage = {
      meta: { correlationId, deadlineAt: Date.now() + timeoutMs, ...(call.actor ? { actor: call.actor } : {}) },
      payload,
    };
    return Promise.all(
      [...this.instances.values()].map(async (instance) => {
        const address = instance.address;
        try {
          const outcome = await this.attempt(instance, definition.pattern, message, timeoutMs);
          if (!outcome.ok) {
            const error =
              outcome.failure === 'timeout'
                ? new AppError('UPSTREAM.TIMEOUT', `${this.target} at ${address} did not answer within ${timeoutMs} ms`)
                : new AppError('UPSTREAM.UNAVAILABLE', `${this.target} at ${address} is unavailable`);
            return { address, ok: false as const, error };
          }
          const checked = definition.response.safeParse(outcome.value);
          if (!checked.success) {
            const error = new AppError('UPSTREAM.INVALID_RESPONSE', `${this.target} at ${address} answered off its contract`);
            return { address, ok: false as const, error };
          }
          return { address, ok: true as const, value: checked.data as RpcResponseOf<D> };
        } catch (error) {
          const known = error instanceof AppError ? error : new AppError('INTERNAL', String(error));
          return { address, ok: false as const, error: known };
        }
      }),
    );
  }

  /** Resolves when some instance answers `ops.ping` within the deadline. */
  async ping(timeoutMs?: number): Promise<void> {
    await this.send('ops.ping', {}, { timeoutMs, idempotent: true });
  }

  async close(): Promise<void> {
    this.unwatchBreakers?.();
    this.discovery.stop();
    await Promise.allSettled(
      [...this.instances.values()].map(async (i) => {
        await i.proxy.close();
      }),
    );
    this.instances.clear();
  }

  private pick(hashKey: string | undefined, tried: ReadonlySet<string>): Instance {
    this.syncInstances();
    if (this.instances.size === 0)
      throw new AppError('UPSTREAM.UNAVAILABLE', `No instance of the ${this.target} service is known`);
    const max = this.options.maxPendingPerInstance ?? 256;
    if (this.instances.size === 1 && tried.size === 0) {
      // the common case, one instance: what the balancer would pick when it can take the call
      const only = this.instances.values().next().value as Instance;
      if (only.outstanding < max && only.breaker.canPass()) return only;
    }
    const candidates: Candidate[] = [...this.instances.values()].map((i) => ({
      address: i.address,
      outstanding: i.outstanding,
      available: i.breaker.canPass() && i.outstanding < max,
    }));
    const notFull = (list: Candidate[]): Candidate[] => list.map((c) => ({ ...c, available: c.outstanding < max }));
    const fresh = candidates.filter((c) => !tried.has(c.address));
    // a retry goes to an instance not tried yet, even one whose breaker is open (it may be back,
    // restarted faster than its breaker's open period) rather than to the one that just failed;
    // with every breaker open, trying one beats failing for certain (panic mode)
    const chosen =
      this.balancer.pick(fresh, hashKey) ??
      (tried.size > 0 ? this.balancer.pick(notFull(fresh), hashKey) : undefined) ??
      this.balancer.pick(candidates, hashKey) ??
      this.balancer.pick(notFull(candidates), hashKey);
    if (chosen) return this.instances.get(chosen.address) as Instance;
    if (candidates.every((c) => c.outstanding >= max)) {
      throw new AppError('UPSTREAM.OVERLOADED', `Every instance of the ${this.target} service has ${max} calls in flight`);
    }
    throw new AppError('UPSTREAM.UNAVAILABLE', `The ${this.target} service is unavailable`);
  }

  private async attempt(
    instance: Instance,
    pattern: string,
    message: RpcMessage,
    remainingMs: number,
  ): Promise<{ ok: true; value: unknown } | { ok: false; failure: Failure }> {
    const meters = this.metrics && this.metersOf(instance);
    const started = performance.now();
    instance.outstanding += 1;
    instance.breaker.onSend();
    let outcome: RpcOutcome = 'ok';
    try {
      const value = await firstAnswer(instance.proxy, pattern, message, remainingMs);
      instance.breaker.onSuccess();
      return { ok: true, value };
    } catch (error) {
      const known = AppError.fromPayload(error);
      if (known) {
        instance.breaker.onSuccess(); // the instance answered: it is healthy
        outcome = 'error';
        this.countError(instance, pattern, known.code);
        throw known;
      }
      const failure = classify(error);
      instance.breaker.onFailure();
      // a connection that timed out or broke is suspect (a hung peer keeps it open): the next call reconnects
      if (failure !== 'refused') void instance.proxy.close();
      outcome = failure === 'timeout' ? 'timeout' : 'unavailable';
      this.countError(instance, pattern, failure === 'timeout' ? 'UPSTREAM.TIMEOUT' : 'UPSTREAM.UNAVAILABLE');
      return { ok: false, failure };
    } finally {
      instance.outstanding -= 1;
      meters?.duration(pattern, outcome).observe((performance.now() - started) / 1000);
    }
  }

  private countError(instance: Instance, pattern: string, code: string): void {
    this.metrics?.rpcClientErrors.inc({ target: this.target, instance: instance.address, pattern, code });
  }

  /** The instance's duration series, one per pattern and outcome, made once each. */
  private metersOf(instance: Instance): InstanceMeters | undefined {
    const metrics = this.metrics;
    if (!metrics) return undefined;
    if (!instance.meters) {
      const labels = { target: this.target, instance: instance.address };
      const durations = new Map<string, { observe(seconds: number): void }>();
      const meters: InstanceMeters = {
        duration: (pattern: string, outcome: RpcOutcome) => {
          const key = `${outcome}|${pattern}`;
          let series = durations.get(key);
          if (!series) {
            series = metrics.rpcClient.labels({ ...labels, pattern, outcome });
            durations.set(key, series);
          }
          return series;
        },
      };
      instance.meters = meters;
    }
    return instance.meters as InstanceMeters;
  }

  /** Opens connections to new instances and closes those of instances gone from discovery. */
  private syncInstances(): void {
    // discoveries hand out a new list only when it changes: compare by reference on the hot path
    const list = this.discovery.addresses();
    if (list === this.known) return;
    this.known = list;
    const addresses = [...list];
    for (const [address, instance] of this.instances) {
      if (!addresses.includes(address)) {
        this.instances.delete(address);
        void instance.proxy.close();
      }
    }
    for (const address of addresses) {
      if (!this.instances.has(address)) {
        this.instances.set(
          address,
          new Instance(
            address,
            this.createProxy(address),
            () => this.options.live?.breaker() ?? this.options.breaker ?? DEFAULT_BREAKER,
          ),
        );
      }
    }
  }

  private createProxy(address: string): ClientProxy {
    if (this.options.createProxy) return this.options.createProxy(address);
    const { host, port } = parseAddress(address);
    const maxBufferSize = this.options.maxMessageChars;
    return ClientProxyFactory.create({
      transport: Transport.TCP,
      options: {
        host,
        port,
        tlsOptions: this.options.tls,
        ...(this.options.socket === 'stock' ? { maxBufferSize } : { socketClass: rpcSocketClass({ maxBufferSize }) }),
      },
    });
  }
}

interface InstanceMeters {
  duration(pattern: string, outcome: RpcOutcome): { observe(seconds: number): void };
}

/**
 * The first answer of a call, or `TimeoutError` after `ms` (what `firstValueFrom(send().pipe(timeout))`
 * does, with one timer and one subscription instead of a chain of operators on every call);
 * `EmptyError` if the call ends without an answer.
 */
function firstAnswer(proxy: ClientProxy, pattern: string, message: unknown, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // the subscription exists only once subscribe returns, and the answer may come before that
    const call: { settled: boolean; subscription?: Subscription } = { settled: false };
    const settle = (): boolean => {
      if (call.settled) return false;
      call.settled = true;
      clearTimeout(timer);
      call.subscription?.unsubscribe();
      return true;
    };
    const timer = setTimeout(() => settle() && reject(new TimeoutError()), ms);
    call.subscription = proxy.send<unknown>(pattern, message).subscribe({
      next: (value) => settle() && resolve(value),
      // an error answer is the server's payload ({code, message}), read by AppError.fromPayload
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      error: (error: unknown) => settle() && reject(error),
      complete: () => settle() && reject(new EmptyError()),
    });
    if (call.settled) call.subscription.unsubscribe(); // answered (or failed) while subscribing
  });
}

function classify(error: unknown): Failure {
  if (error instanceof TimeoutError) return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_SENT.has(code) ? 'refused' : 'transport';
}
