import { DynamicModule, Module } from '@nestjs/common';
import { SettingsController } from '../settings/settings.controller';
import { OperatorDirectory } from './operator-directory';
import { OpsOverviewService } from './ops-overview.service';
import { OpsController } from './ops.controller';
import { TRACE_UI_URL } from './ops.tokens';

/**
 * The ops console's API under `/v1/admin/ops` (the page itself is static, see `serveConsole`) and the
 * live settings' under `/v1/admin/settings`: both name the admin through the {@link OperatorDirectory}.
 */
@Module({})
export class OpsModule {
  static register(options: { traceUiUrl: string }): DynamicModule {
    return {
      module: OpsModule,
      controllers: [OpsController, SettingsController],
      providers: [{ provide: TRACE_UI_URL, useValue: options.traceUiUrl }, OperatorDirectory, OpsOverviewService],
    };
  }
}
