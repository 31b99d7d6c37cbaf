import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { ReadinessChecks } from './readiness-checks';
import { ShutdownState } from './shutdown-state';

const DRAINING: HealthCheckResult = {
  status: 'error',
  info: {},
  error: { shutdown: { status: 'down', message: 'draining before shutdown' } },
  details: { shutdown: { status: 'down', message: 'draining before shutdown' } },
};

/**
 * `GET /health/live`: the process itself answers (no dependency is checked: restarting a
 * process because its database is down helps nobody). `GET /health/ready`: every dependency
 * this app really uses, each named in the answer; 503 while any is down or while draining.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly shutdown: ShutdownState,
    private readonly checks: ReadinessChecks,
  ) {}

  @Get('live')
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    if (this.shutdown.isDraining) {
      res.status(503);
      return DRAINING;
    }
    try {
      return await this.health.check(this.checks.all);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
