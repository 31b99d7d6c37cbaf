import './tracing';
import { runService } from '@shopmesh/bootstrap';
import { loadInventoryConfig } from './inventory.config';
import { InventoryModule } from './inventory.module';

runService(
  () => loadInventoryConfig(),
  (config) => InventoryModule.forRoot(config),
);
