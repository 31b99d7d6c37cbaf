import './tracing';
import { runService } from '@shopmesh/bootstrap';
import { loadOrdersConfig } from './orders.config';
import { OrdersModule } from './orders.module';

runService(
  () => loadOrdersConfig(),
  (config) => OrdersModule.forRoot(config),
);
