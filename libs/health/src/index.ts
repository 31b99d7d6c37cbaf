export { HealthModule } from './health.module';
export type { HealthOptions } from './health-options';
export { ShutdownState } from './shutdown-state';
export { READINESS_CONTRIBUTOR, type ReadinessContributor } from './readiness-contributor';
