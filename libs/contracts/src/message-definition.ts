import type { z } from 'zod';
import type { KafkaTopic } from './kafka-topics';

/**
 * One published message type: a public contract for other teams. `type` + `version` identify it;
 * a change is compatible (optional fields added) or it is a new version published side by side.
 */
export interface MessageDefinition<S extends z.ZodType = z.ZodType> {
  topic: KafkaTopic;
  type: string;
  version: number;
  /** What the aggregate id (the Kafka key) is. */
  key: string;
  summary: string;
  payload: S;
}

export const defineMessage = <S extends z.ZodType>(definition: MessageDefinition<S>): MessageDefinition<S> => definition;

/** The payload type of a message definition. */
export type PayloadOf<D> = D extends MessageDefinition<infer S> ? z.infer<S> : never;
