import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadHttp } from './load-http';
import type { OrderRecord, OrderStatus } from './records';
import type { Shopper } from './shoppers';

interface OrderBody {
  status: OrderStatus;
  step: string;
  cancellationReason?: string;
  statusHistory: Array<{ at: string }>;
}

interface Followed {
  record: OrderRecord;
  owner: Shopper;
}

/**
 * Follows every order the run placed (`GET /v1/orders/:id`, as a storefront polls) until it is
 * final: `CONFIRMED` with its saga done, or `CANCELLED`. An order whose cancel was accepted is
 * final only once `CANCELLED` (a confirmed one passes through compensation first).
 */
export class OrdersTracker {
  readonly orders: OrderRecord[] = [];
  private readonly open = new Set<Followed>();
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly http: LoadHttp,
    private readonly pollIntervalMs = 1000,
    private readonly concurrency = 8,
  ) {}

  /** Records a placed order; it is polled from now on (call once the session is done with it). */
  follow(record: OrderRecord, owner: Shopper): void {
    this.orders.push(record);
    this.open.add({ record, owner });
  }

  get openCount(): number {
    return this.open.size;
  }

  start(): void {
    this.loop ??= (async () => {
      while (!this.stopped) {
        const started = Date.now();
        await this.pollAll();
        await sleep(Math.max(50, this.pollIntervalMs - (Date.now() - started)));
      }
    })();
  }

  /** Keeps polling until every order is final or `deadline` (epoch ms) passes; then stops. */
  async settle(deadline: number): Promise<void> {
    this.start();
    while (this.open.size > 0 && Date.now() < deadline) await sleep(200);
    this.stopped = true;
    await this.loop;
  }

  private async pollAll(): Promise<void> {
    const queue = [...this.open];
    await Promise.all(
      Array.from({ length: Math.min(this.concurrency, queue.length) }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) await this.poll(f);
      }),
    );
  }

  private async poll(f: Followed): Promise<void> {
    const { record } = f;
    const res = await this.http.call(
      { session: -1, scenario: 'follow', step: 'poll order' },
      'GET',
      '/v1/orders/:id',
      `/v1/orders/${record.orderId}`,
      { token: f.owner.accessToken },
    );
    if (res.status !== 200) return;
    const order = res.body as OrderBody;
    record.status = order.status;
    record.step = order.step;
    if (order.cancellationReason) record.reason = order.cancellationReason;
    const final = order.step === 'CANCELLED' || (order.step === 'CONFIRMED' && !record.cancelAccepted);
    if (!final) return;
    record.terminalSeenAt = Date.now();
    const times = order.statusHistory.map((h) => Date.parse(h.at));
    if (times.length > 0) record.sagaMs = Math.max(...times) - Math.min(...times);
    this.open.delete(f);
  }
}
