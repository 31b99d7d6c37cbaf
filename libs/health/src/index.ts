export { HealthModule } from './health.module';
export { HealthController } from './health.controller';
export type { HealthOptions } from './health-options';
export { ShutdownState } from './shutdown-state';
export { ReadinessRegistry } from './readiness-registry';
export type { ReadinessContributor } from './readiness-contributor';
export { ReadinessReport, type DependencyReport } from './readiness-report';
