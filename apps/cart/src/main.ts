import './tracing';
import { runService } from '@shopmesh/bootstrap';
import { loadCartConfig } from './cart.config';
import { CartModule } from './cart.module';

runService(
  () => loadCartConfig(),
  (config) => CartModule.forRoot(config),
);
