export { CorrelationContext, CORRELATION_HEADER } from './correlation-context';
export { correlationMiddleware } from './correlation.middleware';
export { LoggingModule, type LoggingOptions } from './logging.module';
export { metaOfMessage, correlationIdOfMessage, type RpcMessage, type RpcMessageMeta } from './rpc-message-meta';
