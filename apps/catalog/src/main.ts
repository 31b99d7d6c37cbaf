import './tracing';
import { runService } from '@shopmesh/bootstrap';
import { loadCatalogConfig } from './catalog.config';
import { CatalogModule } from './catalog.module';

runService(
  () => loadCatalogConfig(),
  (config) => CatalogModule.forRoot(config),
);
