import type { MessageDefinition, PayloadOf } from '@shopmesh/contracts';
import type { Envelope, NewMessage } from './envelope';
import { NonRetriableError } from './errors';

/**
 * A message of a contract type, its payload checked against the contract on the way out
 * (a bug here must fail the state change, not reach other teams' consumers).
 */
export function messageOf<D extends MessageDefinition>(
  definition: D,
  aggregateId: string,
  payload: PayloadOf<D>,
  causationId?: string,
): NewMessage {
  const checked = definition.payload.safeParse(payload);
  if (!checked.success)
    throw new Error(`${definition.type} v${definition.version} payload breaks its contract: ${checked.error.message}`);
  return {
    topic: definition.topic,
    type: definition.type,
    version: definition.version,
    aggregateId,
    payload: checked.data,
    causationId,
  };
}

/** True if the envelope is of this contract type and version. */
export const isMessageOf = (definition: MessageDefinition, envelope: Envelope): boolean =>
  envelope.type === definition.type && envelope.version === definition.version;

/**
 * The payload of an incoming message, validated against its contract. A payload that breaks the
 * contract is a poison message: it goes to the dead-letter topic at once, never crashes the consumer.
 */
export function payloadOf<D extends MessageDefinition>(definition: D, envelope: Envelope): PayloadOf<D> {
  if (!isMessageOf(definition, envelope)) {
    throw new NonRetriableError(`expected ${definition.type} v${definition.version}, got ${envelope.type} v${envelope.version}`);
  }
  const checked = definition.payload.safeParse(envelope.payload);
  if (!checked.success)
    throw new NonRetriableError(
      `${definition.type} v${definition.version} payload breaks its contract: ${checked.error.message}`,
    );
  return checked.data as PayloadOf<D>;
}
