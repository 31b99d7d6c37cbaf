import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ReadinessChecks } from './readiness-checks';
import { ShutdownState } from './shutdown-state';

/** One dependency as readiness saw it: its name, `up`/`down` (or `degraded`), and what the check said. */
export interface DependencyReport {
  name: string;
  status: string;
  detail?: Record<string, unknown>;
}

/** Readiness of this instance with one entry per dependency, what `/health/ready` answers, as data. */
@Injectable()
export class ReadinessReport {
  constructor(
    private readonly health: HealthCheckService,
    private readonly checks: ReadinessChecks,
    private readonly shutdown: ShutdownState,
  ) {}

  async read(): Promise<{ ready: boolean; checks: DependencyReport[] }> {
    if (this.shutdown.isDraining)
      return { ready: false, checks: [{ name: 'shutdown', status: 'down', detail: { message: 'draining' } }] };
    let result: HealthCheckResult;
    try {
      result = await this.health.check(this.checks.all);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      result = error.getResponse() as HealthCheckResult;
    }
    const checks = Object.entries(result.details).map(([name, { status, ...detail }]) => ({
      name,
      status: String(status),
      ...(Object.keys(detail).length > 0 ? { detail } : {}),
    }));
    return { ready: result.status === 'ok', checks };
  }
}
