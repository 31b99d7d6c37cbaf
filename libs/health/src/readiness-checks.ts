import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator, type HealthIndicatorFunction } from '@nestjs/terminus';
import { RpcClientRegistry } from '@shopmesh/rpc';
import { HEALTH_OPTIONS } from './health.tokens';
import { READINESS_CONTRIBUTOR, type ReadinessContributor } from './readiness-contributor';
import type { HealthOptions } from './health-options';
import { KafkaHealthIndicator } from './kafka.health';
import { RedisHealthIndicator } from './redis.health';

/** The readiness checks of this app: exactly the dependencies it declared. */
@Injectable()
export class ReadinessChecks {
  readonly all: HealthIndicatorFunction[];

  constructor(
    @Inject(HEALTH_OPTIONS) options: HealthOptions,
    indicator: HealthIndicatorService,
    @Optional() postgres?: TypeOrmHealthIndicator,
    @Optional() redis?: RedisHealthIndicator,
    @Optional() kafka?: KafkaHealthIndicator,
    @Optional() rpc?: RpcClientRegistry,
    @Optional() @Inject(READINESS_CONTRIBUTOR) contributor?: ReadinessContributor,
  ) {
    const { timeoutMs } = options;
    const checks: HealthIndicatorFunction[] = [];
    if (options.postgres && postgres) checks.push(() => postgres.pingCheck('postgres').withTimeout(timeoutMs));
    if (redis) checks.push(() => redis.check(timeoutMs));
    if (kafka) checks.push(() => kafka.check(timeoutMs));
    if (options.rpcTargets && rpc) {
      for (const client of rpc.clients) {
        checks.push(() =>
          indicator
            .check(client.target)
            .attempt(() => client.ping(timeoutMs))
            .withTimeout(timeoutMs + 250),
        );
      }
    }
    if (contributor) checks.push(() => contributor.readinessCheck(indicator));
    this.all = checks;
  }
}
