import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { metaOfMessage, type Actor, type RpcDefinition } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';

/** Serves an RPC of the contract (its pattern). */
export const RpcHandler = (definition: RpcDefinition): MethodDecorator => MessagePattern(definition.pattern);

/**
 * The request of an RPC (`payload` of `{meta, payload}`), validated against the contract's request
 * schema before the handler runs: a service never trusts that its caller checked.
 */
export const RpcPayload = (definition: RpcDefinition): ParameterDecorator => Payload('payload', { schema: definition.request });

/**
 * The verified user the call acts for, forwarded by the gateway in the message metadata. Handlers
 * that act for a user take it from here, never from the payload; a call without one is refused.
 */
export const RpcActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = metaOfMessage(context.switchToRpc().getData())?.actor;
  if (!actor) throw new AppError('AUTH.UNAUTHENTICATED', 'This call must act for an authenticated user');
  return actor;
});
