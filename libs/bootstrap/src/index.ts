export { ServiceKitModule, type ServiceKitOptions } from './service-kit.module';
export { startApp, startService, type StartOptions } from './start-app';
export { HARD_EXIT_MS, runMain, runService } from './run-main';
export {
  createOpsAuditTable,
  dropOpsAuditTable,
  recordAudit,
  latestAudit,
  type AuditRecord,
  type AuditSql,
} from './ops/ops-audit';
