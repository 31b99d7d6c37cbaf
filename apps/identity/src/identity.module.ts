import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import { AccountsModule } from './accounts/accounts.module';
import { identitySchema } from './database/identity.data-source';
import type { IdentityConfig } from './identity.config';

@Module({})
export class IdentityModule {
  static forRoot(config: IdentityConfig, logDestination?: DestinationStream): DynamicModule {
    const accounts = AccountsModule.register(config); // first: it reads the key files, a likely mistake to report
    return {
      module: IdentityModule,
      imports: [ServiceKitModule.forService(config, { database: identitySchema, logDestination }), accounts],
    };
  }
}
