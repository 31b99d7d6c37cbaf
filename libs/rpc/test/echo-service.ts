import type { TlsOptions } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Inject, Module, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { freePort } from '@shopmesh/testing';
import { RpcServer, rpcSocketClass } from '../src';

const INSTANCE_NAME = 'INSTANCE_NAME';

/** A tiny RPC service for the client's tests: answers which instance served the call. */
@Controller()
class EchoController {
  constructor(@Inject(INSTANCE_NAME) private readonly name: string) {}

  @MessagePattern('echo.who')
  who(): { instance: string } {
    return { instance: this.name };
  }

  @MessagePattern('echo.back')
  back(@Payload() data: unknown): unknown {
    return data;
  }

  @MessagePattern('echo.slow')
  async slow(@Payload() data: { payload: { ms: number } }): Promise<{ instance: string }> {
    await sleep(data.payload.ms);
    return { instance: this.name };
  }
}

@Module({})
class EchoModule {
  static of(name: string): DynamicModule {
    return { module: EchoModule, controllers: [EchoController], providers: [{ provide: INSTANCE_NAME, useValue: name }] };
  }
}

export interface EchoInstance {
  name: string;
  port: number;
  address: string;
  app: INestMicroservice;
}

/**
 * Starts one echo instance on a free port, served as the apps serve (`RpcServer`, `rpcSocketClass`)
 * or by Nest's stock server and socket.
 */
export async function startEcho(
  name: string,
  maxBufferSize?: number,
  tlsOptions?: TlsOptions,
  socket: 'shopmesh' | 'stock' = 'shopmesh',
): Promise<EchoInstance> {
  const port = await freePort();
  const app = await NestFactory.createMicroservice(EchoModule.of(name), {
    ...(socket === 'stock'
      ? { transport: Transport.TCP, options: { host: '127.0.0.1', port, maxBufferSize, tlsOptions } }
      : { strategy: new RpcServer({ host: '127.0.0.1', port, tlsOptions, socketClass: rpcSocketClass({ maxBufferSize }) }) }),
    logger: false,
  });
  await app.listen();
  return { name, port, address: `127.0.0.1:${port}`, app };
}
