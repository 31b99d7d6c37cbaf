export { Metrics, type BreakerReading, type RpcOutcome } from './metrics.service';
export { MetricsController } from './metrics.controller';
export { MetricsModule } from './metrics.module';
