import type { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';

/**
 * A part of the app that reports its own readiness (RPC clients, Kafka consumers…): it adds itself
 * to the {@link ReadinessRegistry} and gives one named check per thing it depends on.
 */
export interface ReadinessContributor {
  readinessChecks(indicator: HealthIndicatorService, timeoutMs: number): HealthIndicatorFunction[];
}
