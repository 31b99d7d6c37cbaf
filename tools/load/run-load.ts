import { randomBytes } from 'node:crypto';
import { catalogOf, discoverCatalog, type Catalog, type CatalogProduct } from './catalog';
import { LoadHttp } from './load-http';
import { OrdersTracker } from './orders-tracker';
import { seededRandom } from './random';
import type { OrderRecord, RequestRecord } from './records';
import { arrivalOffsets, runOpenLoop, systemClock, type ArrivalProcess, type OpenLoopCounts } from './schedule';
import { DEFAULT_MIX, DEFAULT_PAYMENT_TOKENS, registeredShare, runSession, scenarioOf, type Mix } from './shopper-mix';
import { ShopperPool } from './shoppers';
import { progressOf, type Progress } from './progress';

export interface LoadOptions {
  gatewayUrl: string;
  /** Session arrivals per second (each session is one to five requests). */
  rate: number;
  durationMs: number;
  seed: number;
  /** Scenario weights (default {@link DEFAULT_MIX}); a scenario left out does not run. */
  mix?: Mix;
  /** Payment token weights (default {@link DEFAULT_PAYMENT_TOKENS}). */
  paymentTokens?: Record<string, number>;
  arrival?: ArrivalProcess;
  /**
   * Registered shoppers (default 4 × registered sessions per second + 4: a session holds its shopper
   * for a second or two, longer when answers are slow).
   */
  shoppers?: number;
  /** Sessions at most in flight; an arrival beyond is dropped and counted (default 512). */
  maxInFlight?: number;
  /** Client deadline of every request (default 10 s). */
  timeoutMs?: number;
  /** How long after the last arrival to wait for every order to be final (default 45 s: the saga's step deadline and recovery). */
  settleMs?: number;
  /** How often (0..1) a checkout is retried with the same Idempotency-Key (default 0.1). */
  retryShare?: number;
  /** The products to shop for (default: read from the gateway's catalogue). */
  products?: CatalogProduct[];
  /** Called once a second while the load runs, and once at the end of the settle. */
  onProgress?: (progress: Progress) => void;
  /** Aborting stops new arrivals; sessions under way and the settle still finish. */
  signal?: AbortSignal;
  /** Called once the shoppers exist, with the epoch ms the first arrival is due (time zero of the run). */
  onStart?: (startedAt: number) => void;
}

export interface LoadResult {
  options: Omit<LoadOptions, 'onProgress' | 'signal' | 'onStart' | 'products'> & {
    mix: Mix;
    paymentTokens: Record<string, number>;
  };
  runId: string;
  /** Epoch ms: time zero of the arrivals, the end of their window (or the abort), the end of the settle. */
  startedAt: number;
  loadEndedAt: number;
  endedAt: number;
  sessions: OpenLoopCounts & { noShopper: number; byScenario: Record<string, number> };
  shoppers: number;
  products: number;
  requests: RequestRecord[];
  orders: OrderRecord[];
  /** The due times (epoch ms) of the arrivals dropped for the in-flight bound. */
  droppedAt: number[];
}

/**
 * Drives the shopper mix through the gateway open-loop: sessions arrive on a seeded schedule at
 * `rate` per second, whatever the answers; each request has a deadline and leaves a record; every
 * order placed is followed until final (or `settleMs` after the load). The invariants are the
 * caller's to check ({@link import('./verdict').verdictOf}).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const mix = { ...(options.mix ?? DEFAULT_MIX) };
  const paymentTokens = { ...(options.paymentTokens ?? DEFAULT_PAYMENT_TOKENS) };
  const runId = randomBytes(3).toString('hex');
  const requests: RequestRecord[] = [];
  const http = new LoadHttp(options.gatewayUrl.replace(/\/$/, ''), options.timeoutMs ?? 10_000, `load-${runId}`, (r) => {
    if (r.scenario !== 'setup') requests.push(r);
  });
  const catalog: Catalog = options.products ? catalogOf(options.products) : await discoverCatalog(http);
  const pool = new ShopperPool(http);
  const share = registeredShare(mix);
  const shoppers = options.shoppers ?? (share > 0 ? Math.ceil(options.rate * share * 4) + 4 : 0);
  await pool.create(shoppers, runId);
  const tracker = new OrdersTracker(http);
  const random = seededRandom(options.seed);
  const offsets = arrivalOffsets(options.rate, options.durationMs, random, options.arrival ?? 'poisson');
  const byScenario: Record<string, number> = {};
  let noShopper = 0;
  const droppedAt: number[] = [];
  const startedAt = Date.now() + 100;
  const progress = () =>
    options.onProgress?.(progressOf({ requests, orders: tracker.orders, startedAt, now: Date.now(), inFlight: http.inFlight }));
  const ticker = options.onProgress ? setInterval(progress, 1000) : undefined;
  tracker.start();
  options.onStart?.(startedAt);
  try {
    const counts = await runOpenLoop({
      offsets,
      clock: systemClock,
      startAt: startedAt,
      maxInFlight: options.maxInFlight ?? 512,
      signal: options.signal,
      onDrop: (_index, due) => droppedAt.push(due),
      session: async (index, scheduledAt) => {
        // each session its own generator, so what it does does not depend on how others interleave
        const sessionRandom = seededRandom((options.seed * 0x9e3779b1 + index) >>> 0);
        const scenario = scenarioOf(sessionRandom, mix);
        byScenario[scenario] = (byScenario[scenario] ?? 0) + 1;
        const ran = await runSession({
          index,
          scenario,
          scheduledAt,
          random: sessionRandom,
          http,
          catalog,
          paymentTokens,
          tracker,
          pool,
          retryShare: options.retryShare ?? 0.1,
        });
        if (ran === 'no-shopper') noShopper += 1;
      },
    });
    const windowEnd = startedAt + options.durationMs;
    const loadEndedAt = options.signal?.aborted ? Math.min(Date.now(), windowEnd) : windowEnd;
    await tracker.settle(Date.now() + (options.settleMs ?? 45_000));
    progress();
    const { onProgress: _p, signal: _s, onStart: _o, products: _products, ...rest } = options;
    return {
      options: { ...rest, mix, paymentTokens },
      runId,
      startedAt,
      loadEndedAt,
      endedAt: Date.now(),
      sessions: { ...counts, noShopper, byScenario },
      shoppers: pool.size,
      products: catalog.products.length,
      requests,
      orders: tracker.orders,
      droppedAt,
    };
  } finally {
    if (ticker) clearInterval(ticker);
  }
}
