import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessRegistry, type ReadinessContributor } from '@shopmesh/health';
import { Outbox } from '@shopmesh/messaging';
import { Metrics } from '@shopmesh/metrics';
import { DataSource } from 'typeorm';
import { sqlOf } from '../../database/sql';
import { ReleaseStockService } from '../release-stock/release-stock.service';
import { ReservationStore } from '../reservation.store';
import { RESERVATIONS_OPTIONS } from '../reservations.tokens';
import { replyMessage } from '../stock-reply.mapper';
import { SweeperMetrics } from './sweeper-metrics';

export interface SweeperOptions {
  /** Milliseconds between two sweeps. */
  intervalMs: number;
  /** Orders released per transaction. */
  batchSize: number;
  /** Off for tests that sweep by hand. */
  enabled?: boolean;
}

/** Batches one sweep may release before it waits for the next interval (fairness with other work). */
const MAX_BATCHES_PER_SWEEP = 20;

/**
 * Releases reservations past their `expires_at` that orders neither committed nor released, every
 * `intervalMs`: a batch of expired orders is locked with SKIP LOCKED (several instances never take
 * the same order), released like a ReleaseStock (reason EXPIRED) and answered with StockReleased
 * through the outbox, all in one transaction. A failing sweep is logged and counted, and if none
 * succeeds for a while the service turns unready: it never fails silently. Stops (waiting for the
 * sweep in hand) before the database closes.
 */
@Injectable()
export class ReservationSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown, ReadinessContributor {
  private readonly logger = new Logger(ReservationSweeper.name);
  private readonly metrics: SweeperMetrics;
  private readonly options: SweeperOptions;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private stopping = false;
  private lastSuccessAt = Date.now();
  private consecutiveFailures = 0;
  private lastError?: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly store: ReservationStore,
    private readonly releaseStock: ReleaseStockService,
    metrics: Metrics,
    readiness: ReadinessRegistry,
    @Inject(RESERVATIONS_OPTIONS) options: { sweeper: SweeperOptions },
  ) {
    this.options = options.sweeper;
    this.metrics = new SweeperMetrics(metrics.registry, dataSource);
    readiness.add(this);
  }

  onApplicationBootstrap(): void {
    if (this.options.enabled === false) return;
    this.lastSuccessAt = Date.now();
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  /** Releases one batch of expired reservations; returns how many orders it released. */
  async sweepOnce(): Promise<number> {
    const released = await this.dataSource.transaction(async (manager) => {
      const sql = sqlOf(manager);
      const orders = await this.store.lockExpired(sql, this.options.batchSize);
      if (orders.length === 0) return 0;
      await this.releaseStock.releaseHeld(sql, orders, 'EXPIRED');
      await this.outbox.record(
        manager,
        orders.map((o) => replyMessage({ kind: 'released', orderId: o.orderId, reason: 'EXPIRED' })),
      );
      return orders.length;
    });
    this.metrics.expired.inc(released);
    return released;
  }

  /** Sweeps until no expired reservation is left (or the bound of one sweep is reached). */
  async sweep(): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_SWEEP && !this.stopping; batch += 1) {
      const released = await this.sweepOnce();
      total += released;
      if (released < this.options.batchSize) break;
    }
    return total;
  }

  readinessChecks(indicator: HealthIndicatorService) {
    if (this.options.enabled === false) return [];
    const staleAfterMs = Math.max(30_000, 10 * this.options.intervalMs);
    return [
      () => {
        const session = indicator.check('reservation-sweeper');
        const sinceMs = Date.now() - this.lastSuccessAt;
        const details = { lastSuccessMsAgo: sinceMs, consecutiveFailures: this.consecutiveFailures };
        return sinceMs <= staleAfterMs ? session.up(details) : session.down({ ...details, lastError: this.lastError });
      },
    ];
  }

  private schedule(): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.tick().finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
    }, this.options.intervalMs);
  }

  private async tick(): Promise<void> {
    try {
      const released = await this.sweep();
      if (released > 0) this.logger.log(`released ${released} expired reservation(s)`);
      this.lastSuccessAt = Date.now();
      this.consecutiveFailures = 0;
      this.metrics.lastSuccess.set(this.lastSuccessAt / 1000);
    } catch (error) {
      this.consecutiveFailures += 1;
      this.lastError = error instanceof Error ? error.message : String(error);
      this.metrics.failures.inc();
      this.logger.error(
        { err: error },
        `sweep for expired reservations failed (${this.consecutiveFailures} in a row); retrying in ${this.options.intervalMs} ms`,
      );
    }
  }
}
