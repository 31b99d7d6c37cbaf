export { Metrics, type BreakerReading, type RpcOutcome } from './metrics.service';
export { MetricsModule } from './metrics.module';
