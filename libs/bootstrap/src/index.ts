export { ServiceKitModule, type ServiceKitOptions } from './service-kit.module';
export { startApp, type StartOptions } from './start-app';
export { runMain } from './run-main';
