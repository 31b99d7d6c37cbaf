/**
 * The baseline of `npm run bench:gateway`, in its own process: a bare Nest app forwarding
 * `GET /v1/products/:id` and `GET /v1/products?query=&limit=` to catalog over Nest's stock
 * `ClientTCP`, with the message shape our RpcClient sends (`{meta: {correlationId, deadlineAt}, payload}`),
 * and nothing else: no validation, logging, metrics, security headers, rate limits or auth.
 *
 * `bare-gateway.ts <express|fastify> <port> <catalog host:port>`; prints `ready` once it listens and
 * exits when its parent closes stdin (so a killed bench leaves no orphan behind).
 */
import { randomUUID } from 'node:crypto';
import { Controller, Get, Module, Param, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { firstValueFrom } from 'rxjs';

const [adapter, port, catalogAddress] = process.argv.slice(2);
const [catalogHost = '127.0.0.1', catalogPort] = (catalogAddress ?? '').split(':');
const DEADLINE_MS = 3000;

const catalog: ClientProxy = ClientProxyFactory.create({
  transport: Transport.TCP,
  options: { host: catalogHost, port: Number(catalogPort) },
});

const send = (pattern: string, payload: unknown): Promise<unknown> =>
  firstValueFrom(catalog.send(pattern, { meta: { correlationId: randomUUID(), deadlineAt: Date.now() + DEADLINE_MS }, payload }));

@Controller('v1/products')
class BareProductsController {
  @Get()
  list(@Query('query') query?: string, @Query('limit') limit?: string): Promise<unknown> {
    return send('catalog.products.list', { query, limit: limit === undefined ? undefined : Number(limit) });
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<unknown> {
    return send('catalog.products.get', { id });
  }
}

@Module({ controllers: [BareProductsController] })
class BareGatewayModule {}

async function main(): Promise<void> {
  if (adapter !== 'express' && adapter !== 'fastify') throw new Error(`adapter: expected express or fastify, got ${adapter}`);
  await catalog.connect();
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(BareGatewayModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(BareGatewayModule, { logger: false });
  await app.listen(Number(port), '127.0.0.1');
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  process.stdout.write(`ready ${adapter} ${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bare gateway: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
