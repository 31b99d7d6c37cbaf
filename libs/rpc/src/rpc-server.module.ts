import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PingRpcController } from './ping.rpc.controller';
import { RpcContextInterceptor } from './rpc-context.interceptor';

/** What every TCP-serving app needs: `ops.ping`, correlation context and deadline checks. */
@Module({
  controllers: [PingRpcController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: RpcContextInterceptor }],
})
export class RpcServerModule {}
