export { EnvelopeSchema, createEnvelope, MessageHeaders, type Envelope, type NewMessage } from './envelope';
export { createMessagingTables, dropMessagingTables } from './messaging-schema';
export { Outbox, OUTBOX_LANES, laneOf } from './outbox';
export { OutboxRelay, type RelayOptions } from './outbox-relay';
export { OutboxMetrics } from './outbox-metrics';
export { IdempotentConsumer, type ConsumerOptions, type ConsumerState, type MessageHandler } from './idempotent-consumer';
export { NonRetriableError } from './errors';
export { DlqHeaders, deadLetterTopicOf, listDeadLetters, redriveDeadLetters, type DeadLetter } from './dead-letters';
export { backoffDelay } from './backoff';
