import { DynamicModule, Module } from '@nestjs/common';
import { OPS_OPTIONS, type OpsOptions } from './ops-options';
import { OpsStatusService } from './ops-status.service';
import { OpsRpcController } from './ops.rpc.controller';

/** The ops RPCs of a TCP-serving app (status, dead letters and redrive, audit): what the ops console reads. */
@Module({})
export class OpsModule {
  static register(options: OpsOptions): DynamicModule {
    return {
      module: OpsModule,
      controllers: [OpsRpcController],
      providers: [{ provide: OPS_OPTIONS, useValue: options }, OpsStatusService],
    };
  }
}
