import { DynamicModule, Module } from '@nestjs/common';
import { OperatorDirectory } from './operator-directory';
import { OpsOverviewService } from './ops-overview.service';
import { OpsController } from './ops.controller';
import { TRACE_UI_URL } from './ops.tokens';

/** The ops console's API under `/v1/admin/ops` (the page itself is static, see `serveConsole`). */
@Module({})
export class OpsModule {
  static register(options: { traceUiUrl: string }): DynamicModule {
    return {
      module: OpsModule,
      controllers: [OpsController],
      providers: [{ provide: TRACE_UI_URL, useValue: options.traceUiUrl }, OperatorDirectory, OpsOverviewService],
    };
  }
}
