import { traceService } from '@shopmesh/tracing';

// imported first by main.ts: instrumentations patch http, pg, ioredis and kafkajs as they load
traceService('cart');
