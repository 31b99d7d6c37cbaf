import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import type { HealthOptions } from './health-options';
import { HEALTH_OPTIONS } from './health.tokens';
import { KafkaHealthIndicator } from './kafka.health';
import { ReadinessChecks } from './readiness-checks';
import { ReadinessRegistry } from './readiness-registry';
import { ReadinessMetrics } from './readiness.metrics';
import { ReadinessReport } from './readiness-report';
import { RedisHealthIndicator } from './redis.health';
import { ShutdownState } from './shutdown-state';

/**
 * `/health/live` and `/health/ready` (terminus). Readiness checks exactly the dependencies
 * an app declares, and turns false as soon as shutdown starts (see {@link ShutdownState}).
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: HEALTH_OPTIONS, useValue: options },
      ShutdownState,
      ReadinessRegistry,
      ReadinessChecks,
      ReadinessMetrics,
      ReadinessReport,
    ];
    const { redis, kafkaBrokers } = options;
    if (redis) {
      providers.push({
        provide: RedisHealthIndicator,
        inject: [HealthIndicatorService],
        useFactory: (s: HealthIndicatorService) => new RedisHealthIndicator(s, redis.url),
      });
    }
    if (kafkaBrokers) {
      providers.push({
        provide: KafkaHealthIndicator,
        inject: [HealthIndicatorService],
        useFactory: (s: HealthIndicatorService) => new KafkaHealthIndicator(s, kafkaBrokers, options.service),
      });
    }
    return {
      module: HealthModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers,
      exports: [ShutdownState, ReadinessRegistry, ReadinessReport],
    };
  }
}
