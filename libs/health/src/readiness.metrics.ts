import { Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Metrics } from '@shopmesh/metrics';
import { Gauge } from 'prom-client';
import { ReadinessChecks } from './readiness-checks';
import { ShutdownState } from './shutdown-state';

/** How long one evaluation of the readiness checks serves scrapes. */
const EVALUATION_TTL_MS = 2000;

/**
 * Readiness on `/metrics`, evaluated when Prometheus scrapes (each check has its deadline, so the
 * scrape is bounded): `shopmesh_ready` 1 when `/health/ready` would answer 200, 0 when 503
 * (a dependency down, or draining); `shopmesh_readiness_check{check}` 1 per check that is up,
 * 0 when it is down or degraded (an optional dependency: the app still serves, `shopmesh_ready` stays 1).
 */
@Injectable()
export class ReadinessMetrics {
  private last?: { at: number; value: Promise<HealthCheckResult> };

  constructor(
    private readonly health: HealthCheckService,
    private readonly shutdown: ShutdownState,
    private readonly checks: ReadinessChecks,
    @Optional() metrics?: Metrics,
  ) {
    if (!metrics) return;
    const evaluate = (): Promise<HealthCheckResult> => this.evaluate();
    const shutdownState = this.shutdown;
    new Gauge({
      name: 'shopmesh_ready',
      help: 'Whether the instance is ready (1: /health/ready answers 200; 0: a dependency is down or it is draining).',
      registers: [metrics.registry],
      async collect() {
        this.set(!shutdownState.isDraining && (await evaluate()).status === 'ok' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'shopmesh_readiness_check',
      help: 'Readiness of each dependency the instance checks (1 up; 0 down or degraded).',
      labelNames: ['check'] as const,
      registers: [metrics.registry],
      async collect() {
        for (const [check, detail] of Object.entries((await evaluate()).details)) {
          this.set({ check }, detail.status === 'up' ? 1 : 0);
        }
      },
    });
  }

  private evaluate(): Promise<HealthCheckResult> {
    if (!this.last || Date.now() - this.last.at > EVALUATION_TTL_MS) {
      this.last = { at: Date.now(), value: this.runChecks() };
    }
    return this.last.value;
  }

  private async runChecks(): Promise<HealthCheckResult> {
    try {
      return await this.health.check(this.checks.all);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
      return { status: 'error', details: {} };
    }
  }
}
