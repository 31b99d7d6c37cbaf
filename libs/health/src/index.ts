export { HealthModule } from './health.module';
export type { HealthOptions } from './health-options';
export { ShutdownState } from './shutdown-state';
