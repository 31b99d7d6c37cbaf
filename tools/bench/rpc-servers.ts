/**
 * The servers of `npm run bench:rpc`, in their own process so they do not share the client's
 * event loop: a Nest TCP microservice and a Moleculer broker (TCP transporter), each with `echo`, and a second Nest server as the apps serve (`RpcServer`, `rpcSocketClass`). Prints `ready` when all listen.
 */
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { ServiceBroker } from 'moleculer';
import { RpcServer, rpcSocketClass } from '@shopmesh/rpc';

@Controller()
class EchoController {
  @MessagePattern('echo')
  echo(@Payload() data: { payload: unknown }): unknown {
    return data.payload;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

async function main(): Promise<void> {
  const [nestPort, moleculerPort, shopmeshPort] = process.argv.slice(2).map(Number);
  const app = await NestFactory.createMicroservice(EchoModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: nestPort },
    logger: false,
  });
  await app.listen();
  // as the apps serve (startApp): RpcServer with rpcSocketClass
  const shopmesh = await NestFactory.createMicroservice(EchoModule, {
    strategy: new RpcServer({ host: '127.0.0.1', port: shopmeshPort, socketClass: rpcSocketClass() }),
    logger: false,
  });
  await shopmesh.listen();
  // a profiled run (BENCH_CPU_PROF) is stopped with SIGINT: exit cleanly so that the profile is written
  process.once('SIGINT', () => process.exit(0));
  const broker = new ServiceBroker({
    nodeID: 'bench-server',
    logger: false,
    transporter: {
      type: 'TCP',
      options: { udpDiscovery: false, port: moleculerPort },
    },
  });
  broker.createService({ name: 'bench', actions: { echo: (ctx: { params: unknown }) => ctx.params } });
  await broker.start();
  process.stdout.write(`ready ${nestPort} ${moleculerPort}\n`);
}

void main();
