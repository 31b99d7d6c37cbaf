import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { RpcTls, ServiceConfig } from '@shopmesh/config';
import { correlationMiddleware } from '@shopmesh/logging';
import { RpcServer, rpcSocketClass } from '@shopmesh/rpc';
import { Logger } from 'nestjs-pino';

export interface StartOptions {
  /** Host and port of the HTTP server (the public API for the gateway, the ops port otherwise). */
  http: { host: string; port: number };
  /**
   * Host and port of the TCP microservice; the gateway has none. With `tls`, only clients
   * presenting a certificate signed by `tls.ca` are accepted (mutual TLS).
   */
  tcp?: { host: string; port: number; maxMessageChars?: number; tls?: RpcTls };
  /** Hook to configure the HTTP app before it listens (OpenAPI, body limits…). */
  configure?: (app: INestApplication) => void;
}

/**
 * Starts a ShopMesh app: its HTTP server and, for services, its TCP microservice sharing the
 * same pipes, filters and interceptors. Signals are handled by `runMain`.
 */
export async function startApp(module: DynamicModule, options: StartOptions): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true, abortOnError: false, forceCloseConnections: false });
  app.useLogger(app.get(Logger));
  app.use(correlationMiddleware);
  options.configure?.(app);
  if (options.tcp) {
    app.connectMicroservice(
      {
        // Nest's TCP server, finding handlers faster (RpcServer), with fewer writes (rpcSocketClass)
        strategy: new RpcServer({
          host: options.tcp.host,
          port: options.tcp.port,
          // the socket class holds the message size limit (Nest gives its options only to its own)
          socketClass: rpcSocketClass({ maxBufferSize: options.tcp.maxMessageChars }),
          tlsOptions: options.tcp.tls && {
            ...options.tcp.tls,
            requestCert: true,
            rejectUnauthorized: true,
            minVersion: 'TLSv1.2',
          },
        }),
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
  }
  await app.listen(options.http.port, options.http.host);
  return app;
}

/** Starts an app on the servers its config gives (HTTP, and TCP for a service). */
export function startService(
  config: ServiceConfig,
  module: DynamicModule,
  configure?: (app: INestApplication) => void,
): Promise<INestApplication> {
  return startApp(module, { http: config.http, tcp: config.tcp, configure });
}
