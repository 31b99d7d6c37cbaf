export { CorrelationContext, CORRELATION_HEADER } from './correlation-context';
export { correlationMiddleware } from './correlation.middleware';
export { LoggingModule, type LoggingOptions } from './logging.module';
export { requestLogMiddleware } from './request-log.middleware';
