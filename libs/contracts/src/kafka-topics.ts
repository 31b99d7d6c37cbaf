/**
 * Every Kafka topic ShopMesh uses. Topics are created explicitly at start-up
 * (never by auto-creation); each has a dead-letter twin `<topic>.dlq`.
 */
export const KAFKA_TOPICS = [
  'identity.events',
  'catalog.events',
  'orders.events',
  'inventory.commands',
  'inventory.events',
  'payments.commands',
  'payments.events',
] as const;

export type KafkaTopic = (typeof KAFKA_TOPICS)[number];

/** The dead-letter topic for a topic. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

/** Every topic plus its dead-letter topic, in creation order. */
export const ALL_KAFKA_TOPICS: readonly string[] = KAFKA_TOPICS.flatMap((t) => [t, deadLetterTopic(t)]);
