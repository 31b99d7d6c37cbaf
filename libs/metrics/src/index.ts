export { Metrics, type RpcOutcome } from './metrics.service';
export { MetricsModule } from './metrics.module';
