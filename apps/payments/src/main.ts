import './tracing';
import { runService } from '@shopmesh/bootstrap';
import { testOnlyEnv } from '@shopmesh/config';
import { TEST_HOOK_VARIABLES, testHooksOf } from './faults/test-hooks';
import { loadPaymentsConfig } from './payments.config';
import { PaymentsModule } from './payments.module';

runService(
  () => loadPaymentsConfig(),
  (config) => {
    // test-only hooks, read here and only under NODE_ENV=test (see test-hooks.ts)
    const hooks = testHooksOf(config.nodeEnv, testOnlyEnv(Object.values(TEST_HOOK_VARIABLES)));
    if (hooks.ignored.length > 0)
      process.stderr.write(`payments: ignoring ${hooks.ignored.join(', ')} (test hooks; NODE_ENV is ${config.nodeEnv})\n`);
    return PaymentsModule.forRoot(config, hooks);
  },
);
