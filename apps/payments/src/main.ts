import { runService } from '@shopmesh/bootstrap';
import { loadPaymentsConfig } from './payments.config';
import { PaymentsModule } from './payments.module';

runService(
  () => loadPaymentsConfig(),
  (config) => PaymentsModule.forRoot(config),
);
