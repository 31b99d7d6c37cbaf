import { Inject, Injectable, Logger, BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CorrelationContext } from '@shopmesh/logging';
import { Outbox, consumerTransactionOf } from '@shopmesh/messaging';
import { DataSource } from 'typeorm';
import { lockOverdueSagas } from './saga-repository';
import { SagaRunner } from './saga-runner.service';

export const SCAN_INTERVAL_MS = Symbol('SCAN_INTERVAL_MS');
const BATCH = 50;

/**
 * Every interval, moves the sagas whose deadline has passed (`DeadlinePassed`): forward steps
 * compensate, compensations are sent again. Overdue rows are taken `FOR UPDATE SKIP LOCKED`, so
 * several instances share the work and never apply one deadline twice; deadlines live in the
 * database, so a restarted instance resumes them.
 */
@Injectable()
export class DeadlineScanner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadlineScanner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly runner: SagaRunner,
    @Inject(SCAN_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One scan: every overdue saga, batch by batch; answers how many moved. */
  async scanOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const moved = await this.dataSource.transaction(async (manager) => {
        const tx = consumerTransactionOf(manager, this.outbox);
        const overdue = await lockOverdueSagas(tx, BATCH);
        for (const stored of overdue) {
          await CorrelationContext.run(stored.correlationId, () => this.runner.applyTo(tx, stored, { kind: 'DeadlinePassed' }));
        }
        return overdue.length;
      });
      total += moved;
      if (moved < BATCH || this.stopped) break;
    }
    return total;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
  }

  private async tick(): Promise<void> {
    try {
      await this.scanOnce();
    } catch (error) {
      this.logger.error({ err: error }, 'deadline scan failed; retrying at the next interval');
    }
  }
}
