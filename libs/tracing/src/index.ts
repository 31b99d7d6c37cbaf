export { SPAN_BATCHING, droppedSpans, startTracing, stopTracing } from './start-tracing';
export { BoundedZipkinExporter, toZipkinSpan, type ZipkinExporterOptions, type ZipkinSpanJson } from './zipkin-exporter';
export { traceService } from './service-tracing';
export {
  RPC_SYSTEM,
  contextOfCarrier,
  serveRpc,
  traceCarrierOf,
  traceRpcCall,
  type ServedRpc,
  type TraceCarrier,
} from './rpc-tracing';
export { processTraced, sendTracedMessages, traceHeaders, type IncomingMessage, type OutgoingMessage } from './message-tracing';
export { ERROR_CODE_ATTRIBUTE, errorCodeOf, recordHttpErrorCode, recordSpanFailure } from './span-errors';
export { currentTraceId, traceLogFields } from './trace-ids';
