import { randomUUID } from 'node:crypto';
import { MESSAGE_CATALOGUE, type KafkaTopic } from '@shopmesh/contracts';
import { DlqHeaders, MessageHeaders, listDeadLetters, type DeadLetter } from '@shopmesh/messaging';
import type { IHeaders, Kafka } from 'kafkajs';

/**
 * The topics ShopMesh's own services consume (docs/events.md, "Message catalogue"): a poison on
 * one of them must end on its `.dlq`. identity.events and orders.events are read by other teams only.
 */
export const POISONABLE_TOPICS = [
  'catalog.events', // cart.catalog-events, inventory.catalog-events
  'inventory.commands', // inventory.inventory-commands
  'inventory.events', // orders.inventory-events
  'payments.commands', // payments.payment-commands
  'payments.events', // orders.payments-events
] as const satisfies readonly KafkaTopic[];

/** The header that marks a poison message (`<runId>-<n>`); a dead letter keeps its original headers. */
export const POISON_HEADER = 'x-chaos-poison';

/** A poison message a chaos run sent: what recognises it on the dead-letter topic. */
export interface PoisonMessage {
  topic: string;
  /** Kafka key, `chaos-poison-<marker>`. */
  key: string;
  /** The id in its (broken) envelope. */
  id: string;
  /** Epoch ms it was sent. */
  at: number;
  /** `<runId>-<n>`, also its {@link POISON_HEADER}. */
  marker: string;
}

/**
 * The poison of a topic: an envelope of one of the topic's own message types, a valid id and key,
 * whose `occurredAt` is epoch milliseconds instead of an ISO date (a producer that forgot
 * `toISOString()`), and whose payload breaks the contract as well. Every consumer of ours parses
 * the envelope before its handler, whichever types it handles, so each dead-letters it at once
 * ("malformed envelope", one attempt, no retries); a payload-only breach would be skipped by the
 * consumers that do not handle that type (catalog.events has two, handling different types).
 */
export function poisonMessageOf(
  topic: string,
  runId: string,
  n: number,
  now = Date.now(),
): { poison: PoisonMessage; message: { key: string; value: string; headers: IHeaders } } {
  const marker = `${runId}-${n}`;
  const key = `chaos-poison-${marker}`;
  const id = randomUUID();
  const definition = MESSAGE_CATALOGUE.find((d) => d.topic === topic);
  const type = definition?.type ?? 'ChaosPoison';
  const correlationId = `chaos-${marker}`;
  const envelope = {
    id,
    type,
    version: definition?.version ?? 1,
    occurredAt: now,
    aggregateId: key,
    correlationId,
    causationId: null,
    payload: { chaosPoison: marker },
  };
  return {
    poison: { topic, key, id, at: now, marker },
    message: {
      key,
      value: JSON.stringify(envelope),
      headers: { [POISON_HEADER]: marker, [MessageHeaders.correlationId]: correlationId, [MessageHeaders.messageType]: type },
    },
  };
}

/**
 * Sends the `n`-th poison of chaos run `runId` to `topic` (one message, acknowledged by all
 * replicas): every consumer of the topic must send it to `<topic>.dlq` and move on.
 */
export async function injectPoison(kafka: Kafka, topic: string, runId: string, n: number): Promise<PoisonMessage[]> {
  const { poison, message } = poisonMessageOf(topic, runId, n);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [message] });
  } finally {
    await producer.disconnect();
  }
  return [poison];
}

/**
 * The dead letters of the topics (read from each `<topic>.dlq`, nothing committed) whose
 * `x-dlq-failed-at` is at or after `since` (epoch ms); a letter without that header is left out.
 * The topics are read one after the other: each read joins a throwaway group named by the time.
 */
export async function deadLettersSince(
  kafka: Kafka,
  topics: readonly string[],
  since: number,
  timeoutMs = 10_000,
): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const topic of topics) letters.push(...(await listDeadLetters(kafka, topic, timeoutMs)));
  return letters.filter((l) => Date.parse(l.headers[DlqHeaders.failedAt] ?? '') >= since);
}

const envelopeIdOf = (value: string | null): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(value ?? '');
    const id = typeof parsed === 'object' && parsed !== null ? (parsed as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};

/** Whether a dead letter is that poison: from its topic, with its key, marker header or envelope id. */
const isLetterOf = (letter: DeadLetter, poison: PoisonMessage): boolean =>
  (letter.headers[DlqHeaders.originalTopic] ?? poison.topic) === poison.topic &&
  (letter.key === poison.key || letter.headers[POISON_HEADER] === poison.marker || envelopeIdOf(letter.value) === poison.id);

export interface DeadLetterExplanation {
  /** Dead letters of the poisons injected (one per consumer of the poisoned topic). */
  explained: DeadLetter[];
  /** Every other dead letter: a message the system itself failed to process. */
  unexplained: DeadLetter[];
  /** Poisons no dead letter was found for: a consumer took or lost a message it must reject. */
  missing: PoisonMessage[];
}

/** Sorts dead letters into the injected poisons' and the others. */
export function explainDeadLetters(letters: readonly DeadLetter[], poisons: readonly PoisonMessage[]): DeadLetterExplanation {
  const explained = letters.filter((l) => poisons.some((p) => isLetterOf(l, p)));
  return {
    explained,
    unexplained: letters.filter((l) => !explained.includes(l)),
    missing: poisons.filter((p) => !explained.some((l) => isLetterOf(l, p))),
  };
}
