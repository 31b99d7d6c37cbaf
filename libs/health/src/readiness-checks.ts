import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { HealthOptions } from './health-options';
import { HEALTH_OPTIONS } from './health.tokens';
import { KafkaHealthIndicator } from './kafka.health';
import { ReadinessRegistry } from './readiness-registry';
import { RedisHealthIndicator } from './redis.health';

/** The readiness checks of this app: the infrastructure it declared, then every contributor's. */
@Injectable()
export class ReadinessChecks {
  constructor(
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
    private readonly indicator: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
    @Optional() private readonly postgres?: TypeOrmHealthIndicator,
    @Optional() private readonly redis?: RedisHealthIndicator,
    @Optional() private readonly kafka?: KafkaHealthIndicator,
  ) {}

  get all(): HealthIndicatorFunction[] {
    const { timeoutMs } = this.options;
    const { postgres, redis, kafka } = this;
    const checks: HealthIndicatorFunction[] = [];
    if (this.options.postgres && postgres) checks.push(() => postgres.pingCheck('postgres').withTimeout(timeoutMs));
    if (redis) checks.push(() => redis.check(timeoutMs, this.options.redis?.optional ?? false));
    if (kafka) checks.push(() => kafka.check(timeoutMs));
    for (const contributor of this.registry.contributors) checks.push(...contributor.readinessChecks(this.indicator, timeoutMs));
    return checks;
  }
}
