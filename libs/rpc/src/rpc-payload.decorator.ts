import { Payload } from '@nestjs/microservices';
import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * The payload of a ShopMesh RPC message (`{meta, payload}`), validated against `schema`.
 * Unknown fields are rejected when the schema is strict.
 */
export const RpcPayload = (schema: StandardSchemaV1): ParameterDecorator => Payload('payload', { schema });
