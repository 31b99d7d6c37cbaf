import { HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessRegistry } from '@shopmesh/health';
import { Outbox } from '@shopmesh/messaging';
import { Metrics } from '@shopmesh/metrics';
import type { DataSource } from 'typeorm';
import { ReleaseStockService } from '../release-stock/release-stock.service';
import { ReservationStore } from '../reservation.store';
import { ReservationSweeper } from './reservation-sweeper';

describe(ReservationSweeper.name, () => {
  const database = { transaction: jest.fn(), query: jest.fn(() => Promise.resolve([])) };
  let metrics: Metrics;
  let sut: ReservationSweeper;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    database.transaction.mockReset();
    metrics = new Metrics('inventory');
    const store = new ReservationStore();
    sut = new ReservationSweeper(
      database as unknown as DataSource,
      new Outbox(),
      store,
      new ReleaseStockService(store),
      metrics,
      new ReadinessRegistry(),
      { sweeper: { intervalMs: 1000, batchSize: 10 } },
    );
  });
  afterEach(() => jest.useRealTimers());

  const readiness = () => {
    const [check] = sut.readinessChecks(new HealthIndicatorService());
    return Promise.resolve(check?.()?.['reservation-sweeper']);
  };
  const metric = async (name: string) => (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value;

  it('counts every failing sweep and turns unready once none has succeeded for 30 s; the next success makes it ready', async () => {
    database.transaction.mockRejectedValue(new Error('connection refused'));
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(5_500);
    expect(await metric('inventory_reservation_sweep_failures_total')).toBe(5);
    expect(await readiness()).toMatchObject({ status: 'up', consecutiveFailures: 5 });

    await jest.advanceTimersByTimeAsync(26_000);
    expect(await readiness()).toMatchObject({ status: 'down', lastError: 'connection refused' });

    database.transaction.mockResolvedValue(0);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await readiness()).toMatchObject({ status: 'up', consecutiveFailures: 0 });
    expect(await metric('inventory_reservation_sweep_last_success_timestamp_seconds')).toBeGreaterThan(1000);
    await sut.beforeApplicationShutdown();
  });

  it('stops on shutdown: waits for the sweep in hand, then sweeps no more', async () => {
    let finish: (n: number) => void = () => undefined;
    database.transaction.mockImplementation(() => new Promise<number>((resolve) => (finish = resolve)));
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(database.transaction).toHaveBeenCalledTimes(1);

    let stopped = false;
    const stopping = sut.beforeApplicationShutdown().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish(0);
    await stopping;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(database.transaction).toHaveBeenCalledTimes(1);
  });
});
