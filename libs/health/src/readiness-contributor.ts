import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/** A part of the app that reports its own readiness (Kafka consumers, for example). */
export interface ReadinessContributor {
  readinessCheck(indicator: HealthIndicatorService): HealthIndicatorResult | Promise<HealthIndicatorResult>;
}

/** Token under which a module provides its {@link ReadinessContributor}. */
export const READINESS_CONTRIBUTOR = Symbol('READINESS_CONTRIBUTOR');
