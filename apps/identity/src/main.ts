import './tracing';
import { runService } from '@shopmesh/bootstrap';
import { loadIdentityConfig } from './identity.config';
import { IdentityModule } from './identity.module';

runService(
  () => loadIdentityConfig(),
  (config) => IdentityModule.forRoot(config),
);
