import { runService } from '@shopmesh/bootstrap';
import { loadInventoryConfig } from './inventory.config';
import { InventoryModule } from './inventory.module';

/**
 * Test hook, read only under NODE_ENV=test (deliberately not a declared setting, like payments'
 * test hooks): `INVENTORY_TEST_COMMANDS_FROM_END=1` starts the fixed inventory.commands group at the
 * end where it has no committed offset, for suites on the long-lived shared broker (whose topics hold
 * every other suite's commands); the default reads from the beginning (see docs/inventory.md).
 */
const COMMANDS_FROM_END_HOOK = 'INVENTORY_TEST_COMMANDS_FROM_END';

runService(
  () => loadInventoryConfig(),
  (config) =>
    InventoryModule.forRoot(
      config,
      config.nodeEnv === 'test' && process.env[COMMANDS_FROM_END_HOOK] === '1' ? { commands: { fromBeginning: false } } : {},
    ),
);
