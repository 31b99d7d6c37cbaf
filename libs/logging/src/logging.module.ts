import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { metaOfMessage } from '@shopmesh/contracts';
import { traceLogFields } from '@shopmesh/tracing';
import { CorrelationContext } from './correlation-context';
import { requestLogMiddleware } from './request-log.middleware';

export interface LoggingOptions {
  /** Service name written on every line. */
  service: string;
  level: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them. */
  destination?: DestinationStream;
}

/** An error that carries a stable code and a status below 500: an answer, not a fault. */
const isExpected = (error: unknown): boolean => {
  const { code, status } = (error ?? {}) as { code?: unknown; status?: unknown };
  return typeof code === 'string' && typeof status === 'number' && status < 500;
};

/**
 * The correlation id of the work in progress (an HTTP request, an RPC message served, a Kafka
 * message consumed) on every line logged while doing it, without a child logger per request; and,
 * when it is traced, the `traceId` and `spanId` of the active span.
 * A fresh object each time: pino merges the line's own fields into it.
 */
export const correlationIdMixin = (): Record<string, string> => {
  const correlationId = CorrelationContext.currentId();
  const trace = traceLogFields();
  return correlationId === undefined ? { ...trace } : { correlationId, ...trace };
};

/**
 * JSON logs through nestjs-pino: one line per HTTP request (`requestLogMiddleware`) and per RPC
 * message served, each carrying the correlation id, plus the same id on every line logged while
 * handling it (the logger's mixin reads `CorrelationContext`). Health and metrics requests are not
 * logged (probes would drown the rest).
 *
 * pino-http's own middleware is not mounted (`forRoutes: []`): it built three child loggers and
 * ran pino's request serializers for every request, about a quarter of the gateway's CPU per
 * product read (BENCHMARKS.md); its instance still provides the root logger.
 */
@Module({})
export class LoggingModule implements NestModule {
  constructor(private readonly pino: PinoLogger) {}

  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          forRoutes: [],
          pinoHttp: [
            {
              level: options.level,
              base: { service: options.service },
              messageKey: 'msg',
              mixin: correlationIdMixin,
              redact: ['req.headers.authorization', 'req.headers.cookie'],
              wrapSerializers: false,
            },
            options.destination ?? process.stdout,
          ],
          microservice: {
            genReqId: (ctx) => metaOfMessage(ctx.switchToRpc().getData())?.correlationId ?? '',
            quietRpcLogger: true,
            // expected outcomes (a coded error below 500) are not errors of this service
            customLogLevel: (_ctx, error) => (error === undefined ? 'info' : isExpected(error) ? 'info' : 'error'),
            customErrorObject: (_ctx, error, value) =>
              isExpected(error) ? { code: (error as unknown as { code: string }).code } : value,
            autoLogging: {
              ignore: (ctx) => ctx.switchToRpc().getContext<{ getPattern?: () => string }>().getPattern?.() === 'ops.ping',
            },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // no request context here, so `logger` is the root logger
    consumer.apply(requestLogMiddleware(this.pino.logger)).forRoutes('*');
  }
}
