import type { INestApplication } from '@nestjs/common';
import { HealthController } from '@shopmesh/health';
import { MetricsController } from '@shopmesh/metrics';
import { ApiExcludeController, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/** Operations that declare no security are public: say so explicitly (`security: []`). */
function markPublicOperations(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation && !operation.security) operation.security = [];
    }
  }
  return document;
}

/**
 * The chassis' probes and scrape endpoint are for operators, not API clients. They are left out here
 * rather than decorated in `libs/`: `@nestjs/swagger` is ESM with ~550 modules (es-toolkit's among them)
 * that no service without an OpenAPI document should load (4–6 MB of each service's idle RSS, BENCHMARKS.md).
 */
const OPERATOR_CONTROLLERS = [HealthController, MetricsController];

/** OpenAPI document at `/docs-json`, Swagger UI at `/docs`. */
export function setupOpenApi(app: INestApplication): void {
  for (const controller of OPERATOR_CONTROLLERS) ApiExcludeController()(controller);
  const config = new DocumentBuilder()
    .setTitle('ShopMesh API')
    .setDescription(
      'The public HTTP API of ShopMesh. Errors are RFC 9457 problem+json with a stable `code`; routes marked with a lock ' +
        'need `Authorization: Bearer <accessToken>` from `POST /v1/auth/login`.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('http://localhost:3000', 'Local development (npm run up)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = markPublicOperations(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
