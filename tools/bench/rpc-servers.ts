/**
 * The servers of `npm run bench:rpc`, in their own process so they do not share the client's
 * event loop: a Nest TCP microservice and a Moleculer broker (TCP transporter), each with `echo`.
 * Prints `ready <nestPort> <moleculerPort>` when both listen.
 */
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { ServiceBroker } from 'moleculer';

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
  const [nestPort, moleculerPort] = process.argv.slice(2).map(Number);
  const app = await NestFactory.createMicroservice(EchoModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: nestPort },
    logger: false,
  });
  await app.listen();
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
