import * as catalog from './catalog/events';
import * as identity from './identity/events';
import * as inventory from './inventory/events';
import type { MessageDefinition } from './message-definition';
import * as orders from './orders/events';
import * as payments from './payments/events';

const isDefinition = (value: unknown): value is MessageDefinition =>
  typeof value === 'object' && value !== null && 'topic' in value && 'type' in value && 'payload' in value;

/** Every message type ShopMesh publishes, in a stable order (the AsyncAPI document is built from it). */
export const MESSAGE_CATALOGUE: readonly MessageDefinition[] = [identity, catalog, orders, inventory, payments].flatMap((m) =>
  Object.values(m).filter(isDefinition),
);
