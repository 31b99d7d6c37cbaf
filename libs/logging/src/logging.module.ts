import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { CORRELATION_HEADER } from './correlation-context';
import { metaOfMessage } from '@shopmesh/contracts';

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

const correlationIdOf = (req: IncomingMessage): string => String(req.headers[CORRELATION_HEADER] ?? '');

/**
 * JSON logs through nestjs-pino: one line per HTTP request and per RPC message served,
 * each carrying the correlation id, plus the same id on every line logged while handling it.
 * Health and metrics requests are not logged (probes would drown the rest).
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [
            {
              level: options.level,
              base: { service: options.service },
              messageKey: 'msg',
              genReqId: correlationIdOf,
              customProps: (req) => ({ correlationId: correlationIdOf(req) }),
              quietReqLogger: true,
              autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
              redact: ['req.headers.authorization', 'req.headers.cookie'],
              serializers: {
                req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
                res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
              },
            },
            options.destination ?? process.stdout,
          ],
          microservice: {
            genReqId: (ctx) => metaOfMessage(ctx.switchToRpc().getData())?.correlationId ?? '',
            customProps: (ctx) => ({ correlationId: metaOfMessage(ctx.switchToRpc().getData())?.correlationId }),
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
}
