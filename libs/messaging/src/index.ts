export { EnvelopeSchema, createEnvelope, MessageHeaders, type Envelope, type NewMessage } from './envelope';
export { createMessagingTables, dropMessagingTables } from './messaging-schema';
export { Outbox, OUTBOX_LANES, laneOf } from './outbox';
export { OutboxRelay, type ProducerFactory, type RelayOptions } from './outbox-relay';
export { createProducer } from './producer';
export { OutboxMetrics } from './outbox-metrics';
export {
  IdempotentConsumer,
  type ConsumerOptions,
  type ConsumerOutcome,
  type ConsumerState,
  type MessageHandler,
  type SelfIdempotentHandler,
} from './idempotent-consumer';
export { consumerTransactionOf, type ConsumerTransaction } from './consumer-transaction';
export { ConsumerMetrics } from './consumer-metrics';
export { readConsumerLag, type ConsumerLag } from './consumer-lag';
export { NonRetriableError } from './errors';
export { DlqHeaders, deadLetterTopicOf, listDeadLetters, redriveDeadLetters, type DeadLetter } from './dead-letters';
export { backoffDelay } from './backoff';
export { messageOf, payloadOf, isMessageOf } from './typed-messages';
export { MessagingModule } from './messaging.module';
export type { MessagingOptions } from './messaging-options';
export { ConsumerRegistry, type ConsumerRegistration } from './consumer-registry';
export { KAFKA_CLIENT } from './messaging.tokens';
