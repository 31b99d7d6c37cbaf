/** Base URL of the trace UI (`TRACE_UI_URL`): an order's trace is `${base}/traces/${traceId}`. */
export const TRACE_UI_URL = Symbol('TRACE_UI_URL');
